//! `deskvisa report reciprocity`: the ledger in the terminal, as a table of
//! per-cluster figures, the non-zero cells of host × home, and the guarantee
//! exceptions.

use deskvisa_rules::{ClusterId, ExceptionKind, Standing};
use deskvisa_service::LedgerReport;

/// "1 h 30 min", "2 d 4 h", "45 s".
fn duration(seconds: i64) -> String {
    let (days, hours, minutes) = (seconds / 86_400, seconds % 86_400 / 3600, seconds % 3600 / 60);
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{seconds} s"),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

fn standing(s: &Standing) -> String {
    match s {
        Standing::Reciprocating => "reciprocating".to_owned(),
        Standing::InGrace { lapses_on, .. } => format!("in grace to {lapses_on}"),
        Standing::NotReciprocating(lapse) => match (lapse.nothing_offered_since, lapse.none_approved) {
            (Some(since), Some(_)) => format!("NOT: no desk-day since {since}, none approved"),
            (Some(since), None) => format!("NOT: no desk-day since {since}"),
            (None, Some(n)) => format!("NOT: {} refused since {}", n.refused, n.since.date_naive()),
            (None, None) => "NOT".to_owned(),
        },
    }
}

/// The ledger as lines of text.
pub fn render(report: &LedgerReport) -> Vec<String> {
    let name = |id: ClusterId| {
        report
            .clusters
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| id.to_string(), |c| format!("{} ({})", c.name, c.country))
    };
    let ledger = &report.ledger;
    let width = ledger.clusters.iter().map(|f| name(f.cluster_id).chars().count()).max().unwrap_or(7).max(7);
    let mut lines = vec![
        format!("Reciprocity ledger, {} to {}", ledger.period.from(), ledger.period.to()),
        String::new(),
        format!(
            "{:<width$}  {:<22} {:>7} {:>7} {:>8} {:>9} {:>9} {:>9} {:>8} {:>11}  median answer",
            "cluster",
            "standing",
            "hosted",
            "used",
            "balance",
            "received",
            "approved",
            "declined",
            "expired",
            "exceptions"
        ),
    ];
    for f in &ledger.clusters {
        lines.push(format!(
            "{:<width$}  {:<22} {:>7} {:>7} {:>+8} {:>9} {:>9} {:>9} {:>8} {:>11}  {}",
            name(f.cluster_id),
            standing(&f.standing),
            f.days_hosted,
            f.days_used,
            f.balance,
            f.requests_received,
            f.requests_approved,
            f.requests_declined,
            f.requests_expired,
            f.guarantee_exceptions,
            f.median_answer_seconds.map_or_else(|| "-".to_owned(), duration),
        ));
    }
    lines.push(String::new());
    lines.push("Visitor-days, host <- home:".to_owned());
    if ledger.matrix.is_empty() {
        lines.push("  none".to_owned());
    }
    for cell in &ledger.matrix {
        lines.push(format!(
            "  {} <- {}: {}",
            name(cell.host_cluster_id),
            name(cell.home_cluster_id),
            cell.visitor_days
        ));
    }
    lines.push(String::new());
    lines.push("Guarantee exceptions:".to_owned());
    if ledger.exceptions.is_empty() {
        lines.push("  none".to_owned());
    }
    for e in &ledger.exceptions {
        let what = match e.kind {
            ExceptionKind::Declined => "declined",
            ExceptionKind::Expired => "let expire",
            ExceptionKind::CancelledByHost => "cancelled",
        };
        let reason = e.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
        lines.push(format!(
            "  {} {} {what} stay {} of a member of {}{reason}",
            e.at.format("%Y-%m-%d %H:%M UTC"),
            name(e.host_cluster_id),
            e.stay_id,
            name(e.home_cluster_id),
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_like_people_say_them() {
        assert_eq!(duration(45), "45 s");
        assert_eq!(duration(5400), "1 h 30 min");
        assert_eq!(duration(7200), "2 h");
        assert_eq!(duration(600), "10 min");
        assert_eq!(duration(86_400 * 2 + 3600 * 4), "2 d 4 h");
    }
}
