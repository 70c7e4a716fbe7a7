//! deskvisa-mail (filled by later issues).
