//! The JSON bodies of API.md ("Bodies"), built from the service's records.

use deskvisa_rules::{HostPolicy, PolicyDraft};
use deskvisa_service::{Caller, ClusterRecord, DayAvailability, MemberRecord, SiteRecord, StayRecord};
use serde_json::{Value, json};

/// A stay, with its history when `with_history`.
pub fn stay(s: &StayRecord, with_history: bool) -> Value {
    let mut body = json!({
        "id": s.id,
        "site_id": s.site,
        "member_id": s.member,
        "host_cluster_id": s.host_cluster,
        "home_cluster_id": s.home_cluster,
        "start_date": s.start_date,
        "end_date": s.end_date,
        "days": s.days,
        "status": s.status,
        "purpose": s.purpose,
        "decline_reason": s.decline_reason,
        "cancel_reason": s.cancel_reason,
        "answer_deadline": s.answer_deadline,
        "within_guarantee": s.within_guarantee,
        "checked_in": s.checked_in,
        "no_show": s.no_show,
        "created_at": s.created_at,
    });
    if with_history && let Value::Object(map) = &mut body {
        let history: Vec<Value> = s
            .history
            .iter()
            .map(|h| {
                json!({
                    "at": h.at,
                    "by": h.by,
                    "actor": h.actor,
                    "action": h.action,
                    "from": h.from,
                    "to": h.to,
                    "reason": h.reason,
                })
            })
            .collect();
        map.insert("history".into(), Value::Array(history));
    }
    body
}

/// A site.
pub fn site(s: &SiteRecord) -> Value {
    json!({
        "id": s.id,
        "cluster_id": s.cluster_id,
        "name": s.name,
        "address": s.address,
        "timezone": s.timezone,
        "desks": s.desks,
        "open_weekdays": s.open_weekdays,
        "contact_email": s.contact_email,
        "house_rules": s.house_rules,
    })
}

/// A cluster with its sites.
pub fn cluster(c: &ClusterRecord, sites: &[SiteRecord]) -> Value {
    json!({
        "id": c.id,
        "name": c.name,
        "city": c.city,
        "country": c.country,
        "timezone": c.timezone,
        "latitude": c.latitude,
        "longitude": c.longitude,
        "joined_on": c.joined_on,
        "status": c.status,
        "desks": sites.iter().map(|s| s.desks).sum::<u32>(),
        "sites": sites.iter().map(site).collect::<Vec<_>>(),
    })
}

/// A host policy.
pub fn policy(p: &HostPolicy) -> Value {
    let d: &PolicyDraft = p.draft();
    json!(d)
}

/// A member, with the caller's roles when it is the caller.
pub fn member(m: &MemberRecord, caller: Option<&Caller>) -> Value {
    let roles: Vec<Value> = caller
        .map(|c| {
            let mut roles = vec![json!({"role": "member"})];
            if c.cluster_admin {
                roles.push(json!({"role": "cluster_admin", "cluster_id": c.cluster}));
            }
            if c.network_admin {
                roles.push(json!({"role": "network_admin"}));
            }
            roles
        })
        .unwrap_or_default();
    json!({
        "id": m.id,
        "email": m.email,
        "name": m.name,
        "company": m.company,
        "locale": m.locale,
        "cluster_id": m.cluster_id,
        "status": m.status,
        "vouched_until": m.vouched_until,
        "roles": roles,
    })
}

/// One day of availability.
pub fn day(d: &DayAvailability) -> Value {
    json!({"date": d.date, "open": d.open, "desks": d.desks, "held": d.held, "free": d.free})
}
