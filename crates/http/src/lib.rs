//! deskvisa-http (filled by later issues).
