//! The QR code of the letter's verification URL, drawn as vector squares
//! (sharp at any zoom and in any print).

use krilla::geom::{PathBuilder, Point, Rect};
use krilla::paint::Fill;
use krilla::surface::Surface;
use qrcode::{Color, EcLevel, QrCode};

use crate::LetterError;

/// The code's side on the page, in points (3.2 cm: a phone reads it from
/// a printout at arm's length).
pub(crate) const SIZE: f32 = 90.0;

/// The code's modules, row by row: `true` is dark. Medium error correction,
/// so a fold or a stamp across it still reads.
pub(crate) struct Modules {
    width: usize,
    dark: Vec<bool>,
}

pub(crate) fn modules(url: &str) -> Result<Modules, LetterError> {
    let code =
        QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).map_err(|e| LetterError::Qr(e.to_string()))?;
    Ok(Modules { width: code.width(), dark: code.to_colors().into_iter().map(|c| c == Color::Dark).collect() })
}

/// Draws the code with its top-left corner at `at`, `size` points square,
/// its quiet zone (four modules) inside that square.
pub(crate) fn draw(surface: &mut Surface<'_>, modules: &Modules, at: Point, size: f32) {
    let quiet = 4;
    let step = size / (modules.width + 2 * quiet) as f32;
    let mut builder = PathBuilder::new();
    for (i, dark) in modules.dark.iter().enumerate() {
        if !dark {
            continue;
        }
        let (row, column) = (i / modules.width, i % modules.width);
        let x = at.x + (column + quiet) as f32 * step;
        let y = at.y + (row + quiet) as f32 * step;
        if let Some(rect) = Rect::from_xywh(x, y, step, step) {
            builder.push_rect(rect);
        }
    }
    if let Some(path) = builder.finish() {
        surface.set_fill(Some(Fill::default()));
        surface.draw_path(&path);
    }
}
