//! The deskvisa binary.
fn main() {}
