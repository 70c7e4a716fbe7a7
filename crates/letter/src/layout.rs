//! Setting text on a page: lines, wrapped paragraphs, label–value facts,
//! measured with the font's own advance widths so nothing runs off the page.

use krilla::geom::Point;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// The page's margin on every side, in points.
pub(crate) const MARGIN: f32 = 64.0;

/// How far a fact's value starts from its label's start.
const LABEL_WIDTH: f32 = 150.0;

/// The regular and the bold face, for drawing and for measuring.
pub(crate) struct Fonts {
    regular: Face,
    bold: Face,
}

struct Face {
    font: Font,
    data: &'static [u8],
}

impl Fonts {
    /// Both faces from the embedded files; `None` if either does not parse.
    pub(crate) fn load(regular: &'static [u8], bold: &'static [u8]) -> Option<Fonts> {
        FontRef::new(regular).ok()?;
        FontRef::new(bold).ok()?;
        Some(Fonts {
            regular: Face { font: Font::new(regular.into(), 0)?, data: regular },
            bold: Face { font: Font::new(bold.into(), 0)?, data: bold },
        })
    }

    fn face(&self, bold: bool) -> &Face {
        if bold { &self.bold } else { &self.regular }
    }
}

impl Face {
    /// The width of `text` at `size` points (advance widths, no kerning:
    /// a hair wider than set, so a line measured to fit does).
    fn width(&self, text: &str, size: f32) -> f32 {
        let Ok(font) = FontRef::new(self.data) else {
            return 0.0;
        };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars().map(|c| charmap.map(c).and_then(|g| metrics.advance_width(g)).unwrap_or(size * 0.6)).sum()
    }
}

/// Writes down a page from a starting line, left to right between two edges.
pub(crate) struct Pen<'s, 'p> {
    surface: &'s mut Surface<'p>,
    fonts: &'s Fonts,
    left: f32,
    right: f32,
    /// The top of the next line.
    y: f32,
}

impl<'s, 'p> Pen<'s, 'p> {
    /// A pen at the top margin of a page `width` wide.
    pub(crate) fn new(surface: &'s mut Surface<'p>, fonts: &'s Fonts, width: f32) -> Self {
        Pen { surface, fonts, left: MARGIN, right: width - MARGIN, y: MARGIN }
    }

    /// A pen between `left` and `right`, its first line's top at `top`.
    pub(crate) fn at(surface: &'s mut Surface<'p>, fonts: &'s Fonts, left: f32, right: f32, top: f32) -> Self {
        Pen { surface, fonts, left, right, y: top }
    }

    /// Leaves `points` of space.
    pub(crate) fn gap(&mut self, points: f32) {
        self.y += points;
    }

    /// One line of text (wrapped if it is too long).
    pub(crate) fn line(&mut self, text: &str, size: f32, bold: bool) {
        self.paragraph(text, size, bold);
    }

    /// One line set flush right.
    pub(crate) fn line_right(&mut self, text: &str, size: f32) {
        let face = self.fonts.face(false);
        let x = (self.right - face.width(text, size)).max(self.left);
        self.draw(x, text, size, false);
        self.y += size * 1.4;
    }

    /// Text wrapped at spaces to the pen's width (a word longer than the
    /// width, a URL say, is broken where it must be).
    pub(crate) fn paragraph(&mut self, text: &str, size: f32, bold: bool) {
        for line in wrap(self.fonts.face(bold), text, size, self.right - self.left) {
            self.draw(self.left, &line, size, bold);
            self.y += size * 1.4;
        }
    }

    /// A label in bold and its value beside it, the value wrapped.
    pub(crate) fn fact(&mut self, label: &str, value: &str, size: f32) {
        let top = self.y;
        let label_lines = wrap(self.fonts.face(true), label, size, LABEL_WIDTH - 10.0);
        for line in &label_lines {
            self.draw(self.left, line, size, true);
            self.y += size * 1.4;
        }
        let label_bottom = self.y;
        self.y = top;
        let value_left = self.left + LABEL_WIDTH;
        for line in wrap(self.fonts.face(false), value, size, self.right - value_left) {
            self.draw(value_left, &line, size, false);
            self.y += size * 1.4;
        }
        self.y = self.y.max(label_bottom) + size * 0.35;
    }

    fn draw(&mut self, x: f32, text: &str, size: f32, bold: bool) {
        let font = self.fonts.face(bold).font.clone();
        // `y` is the line's top; the baseline sits one ascent below it.
        let baseline = self.y + size * 0.95;
        self.surface.draw_text(Point::from_xy(x, baseline), font, size, text, false, TextDirection::LeftToRight);
    }
}

/// `text` cut into lines no wider than `width`.
fn wrap(face: &Face, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
        if face.width(&candidate, size) <= width {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        // A word alone too wide: cut it by characters.
        for c in word.chars() {
            current.push(c);
            if face.width(&current, size) > width && current.chars().count() > 1 {
                current.pop();
                lines.push(std::mem::take(&mut current));
                current.push(c);
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face() -> Face {
        let data: &'static [u8] = include_bytes!("../fonts/DejaVuSerif.ttf");
        Face { font: Font::new(data.into(), 0).unwrap(), data }
    }

    #[test]
    fn a_paragraph_wraps_at_spaces_within_the_width() {
        let face = face();
        let text = "Zażółć gęślą jaźń, a visitor from Ruda Śląska travels to Bengaluru for five days.";
        let lines = wrap(&face, text, 11.0, 200.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| face.width(l, 11.0) <= 200.0));
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut_by_characters() {
        let face = face();
        let url = "https://desks.example.org/verify/abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnop";
        let lines = wrap(&face, url, 9.0, 120.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), url);
        assert!(lines.iter().all(|l| face.width(l, 9.0) <= 120.0));
    }
}
