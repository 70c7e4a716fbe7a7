//! Stored values back into rules types. A value the schema should have
//! refused is reported as corrupt, never unwrapped.

use std::str::FromStr;

use deskvisa_rules::{ApprovalMode, OnNoAnswer, TimeZone};

use crate::error::StoreError;

/// Parses a stored status or mode.
pub(crate) fn parse<T: FromStr>(what: &str, text: &str) -> Result<T, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt(format!("{what} `{text}`")))
}

/// A stored time zone name.
pub(crate) fn zone(text: &str) -> Result<TimeZone, StoreError> {
    TimeZone::parse(text).map_err(|_| StoreError::Corrupt(format!("time zone `{text}`")))
}

/// A stored non-negative count.
pub(crate) fn count(what: &str, n: i32) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("{what} {n}")))
}

/// A count for storage (the rules bound every count far below `i32::MAX`).
pub(crate) fn stored(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

pub(crate) fn approval_mode(text: &str) -> Result<ApprovalMode, StoreError> {
    match text {
        "manual" => Ok(ApprovalMode::Manual),
        "auto" => Ok(ApprovalMode::Auto),
        other => Err(StoreError::Corrupt(format!("approval mode `{other}`"))),
    }
}

pub(crate) fn approval_mode_text(mode: ApprovalMode) -> &'static str {
    match mode {
        ApprovalMode::Manual => "manual",
        ApprovalMode::Auto => "auto",
    }
}

pub(crate) fn on_no_answer(text: &str) -> Result<OnNoAnswer, StoreError> {
    match text {
        "approve" => Ok(OnNoAnswer::Approve),
        "expire" => Ok(OnNoAnswer::Expire),
        other => Err(StoreError::Corrupt(format!("on_no_answer `{other}`"))),
    }
}

pub(crate) fn on_no_answer_text(value: OnNoAnswer) -> &'static str {
    match value {
        OnNoAnswer::Approve => "approve",
        OnNoAnswer::Expire => "expire",
    }
}
