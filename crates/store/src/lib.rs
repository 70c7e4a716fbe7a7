//! deskvisa-store (filled by later issues).
