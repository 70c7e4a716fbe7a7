//! deskvisa-service (filled by later issues).
