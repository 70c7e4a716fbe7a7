//! sea-orm entities, one per table. Only the store sees them: what leaves the
//! store is a rules type or a plain record.
#![allow(missing_docs)]

pub mod api_token;
pub mod closure;
pub mod cluster;
pub mod idempotency_key;
pub mod member;
pub mod member_role;
pub mod network_policy;
pub mod outbox;
pub mod policy;
pub mod site;
pub mod site_day;
pub mod site_desk_count;
pub mod stay;
pub mod stay_day;
pub mod stay_history;
