//! A small page-layout engine for the PDF: the embedded fonts, text shaping and measuring, and
//! pages as lists of drawing operations that are laid out first (so the footer knows the page
//! count) and drawn with krilla at the end.
//!
//! Coordinates are PDF points (1/72 inch) from the page's top left corner, y downwards; a text's
//! y is its baseline.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, LineCap, LineJoin, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};

use crate::ExportError;

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// A4 in points.
pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;

/// An sRGB colour as 0xRRGGBB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u32);

impl Rgb {
    fn krilla(self) -> rgb::Color {
        rgb::Color::new((self.0 >> 16) as u8, (self.0 >> 8) as u8, self.0 as u8)
    }
}

pub const BLACK: Rgb = Rgb(0x1A1A1A);
pub const GREY: Rgb = Rgb(0x5F6368);
pub const LIGHT: Rgb = Rgb(0xD0D4DA);

struct Face {
    shaper: rustybuzz::Face<'static>,
    font: Font,
    upem: f32,
}

impl Face {
    fn new(data: &'static [u8]) -> Result<Face, ExportError> {
        let shaper = rustybuzz::Face::from_slice(data, 0).ok_or(ExportError::Font)?;
        let font = Font::new(data.into(), 0).ok_or(ExportError::Font)?;
        let upem = shaper.units_per_em() as f32;
        Ok(Face { shaper, font, upem })
    }

    /// The glyphs of a line of text, with advances in ems, and the line's width in ems.
    fn shape(&self, text: &str) -> (Vec<KrillaGlyph>, f32) {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        buffer.guess_segment_properties();
        let out = rustybuzz::shape(&self.shaper, &[], buffer);
        let (infos, positions) = (out.glyph_infos(), out.glyph_positions());
        let mut glyphs = Vec::with_capacity(infos.len());
        let mut width = 0.0;
        for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
            let start = info.cluster as usize;
            // The cluster runs to the next glyph with another cluster, or to the end.
            let end = infos[i + 1..].iter().map(|n| n.cluster as usize).find(|&c| c != start).unwrap_or(text.len());
            let advance = pos.x_advance as f32 / self.upem;
            width += advance;
            glyphs.push(KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                advance,
                pos.x_offset as f32 / self.upem,
                pos.y_offset as f32 / self.upem,
                pos.y_advance as f32 / self.upem,
                start..end.max(start),
                None,
            ));
        }
        (glyphs, width)
    }
}

/// DejaVu Sans, regular and bold, built into the binary.
pub struct Fonts {
    regular: Face,
    bold: Face,
}

impl Fonts {
    pub fn new() -> Result<Fonts, ExportError> {
        Ok(Fonts { regular: Face::new(REGULAR)?, bold: Face::new(BOLD)? })
    }

    fn face(&self, bold: bool) -> &Face {
        if bold { &self.bold } else { &self.regular }
    }

    /// The width of a line of text in points.
    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.face(bold).shape(text).1 * size
    }

    /// Breaks text into lines no wider than `width` (a word longer than that gets a line of its
    /// own). Explicit newlines are kept.
    pub fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let space = self.width(" ", size, bold);
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            for word in para.split(' ').filter(|w| !w.is_empty()) {
                let w = self.width(word, size, bold);
                if !line.is_empty() && line_w + space + w > width {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                if !line.is_empty() {
                    line.push(' ');
                    line_w += space;
                }
                line.push_str(word);
                line_w += w;
            }
            lines.push(line);
        }
        lines
    }

    /// Shortens a line with `…` until it fits `width`.
    pub fn fit(&self, text: &str, size: f32, bold: bool, width: f32) -> String {
        if self.width(text, size, bold) <= width {
            return text.to_string();
        }
        let mut chars: Vec<char> = text.chars().collect();
        while !chars.is_empty() {
            chars.pop();
            let s: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
            if self.width(&s, size, bold) <= width {
                return s;
            }
        }
        "…".into()
    }
}

/// Where a text is anchored on its x.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

/// A drawing operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        color: Rgb,
        text: String,
    },
    /// A polyline; `dash` is (on, off) lengths.
    Line {
        points: Vec<(f32, f32)>,
        width: f32,
        color: Rgb,
        dash: Option<(f32, f32)>,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Rgb,
    },
    Dot {
        x: f32,
        y: f32,
        r: f32,
        fill: Rgb,
    },
}

/// Pages laid out top to bottom between margins, with a cursor.
pub struct Flow<'f> {
    pub fonts: &'f Fonts,
    pub pages: Vec<Vec<Op>>,
    /// The cursor: the top of the next thing on the current page.
    pub y: f32,
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
}

impl<'f> Flow<'f> {
    pub fn new(fonts: &'f Fonts, left: f32, right: f32, top: f32, bottom: f32) -> Flow<'f> {
        Flow { fonts, pages: vec![Vec::new()], y: top, left, right, top, bottom }
    }

    pub fn width(&self) -> f32 {
        self.right - self.left
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.top;
    }

    /// Starts a new page unless `h` more points fit on this one.
    pub fn ensure(&mut self, h: f32) {
        if self.y + h > self.bottom && self.y > self.top {
            self.new_page();
        }
    }

    pub fn push(&mut self, op: Op) {
        if let Some(p) = self.pages.last_mut() {
            p.push(op);
        }
    }

    /// One line of text at a baseline.
    pub fn text(&mut self, (x, y): (f32, f32), text: &str, size: f32, bold: bool, color: Rgb, align: Align) {
        if text.is_empty() {
            return;
        }
        let x = match align {
            Align::Left => x,
            Align::Right => x - self.fonts.width(text, size, bold),
            Align::Center => x - self.fonts.width(text, size, bold) / 2.0,
        };
        self.push(Op::Text { x, y, size, bold, color, text: text.to_string() });
    }

    pub fn line(&mut self, points: Vec<(f32, f32)>, width: f32, color: Rgb, dash: Option<(f32, f32)>) {
        if points.len() >= 2 {
            self.push(Op::Line { points, width, color, dash });
        }
    }

    pub fn rule(&mut self, y: f32, width: f32, color: Rgb) {
        self.line(vec![(self.left, y), (self.right, y)], width, color, None);
    }

    /// A wrapped paragraph at the cursor, within `[x, x + width]`; moves the cursor below it.
    /// Lines go to the next page when the page is full.
    pub fn paragraph(&mut self, x: f32, width: f32, text: &str, size: f32, bold: bool, color: Rgb) {
        let leading = size * 1.35;
        for line in self.fonts.wrap(text, size, bold, width) {
            self.ensure(leading);
            self.text((x, self.y + size), &line, size, bold, color, Align::Left);
            self.y += leading;
        }
    }
}

/// Draws the laid-out pages into a PDF.
pub fn render(fonts: &Fonts, pages: &[Vec<Op>], metadata: Metadata) -> Result<Vec<u8>, ExportError> {
    let mut doc = Document::new();
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| ExportError::Pdf("page size".into()))?;
    for ops in pages {
        let mut page = doc.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, fonts, op);
        }
        surface.finish();
        page.finish();
    }
    doc.set_metadata(metadata);
    doc.finish().map_err(|e| ExportError::Pdf(describe(&e)))
}

fn fill(color: Rgb) -> Fill {
    Fill { paint: color.krilla().into(), opacity: NormalizedF32::ONE, rule: Default::default() }
}

pub(crate) fn draw(surface: &mut Surface<'_>, fonts: &Fonts, op: &Op) {
    match op {
        Op::Text { x, y, size, bold, color, text } => {
            let face = fonts.face(*bold);
            let (glyphs, _) = face.shape(text);
            surface.set_stroke(None);
            surface.set_fill(Some(fill(*color)));
            surface.draw_glyphs(Point::from_xy(*x, *y), &glyphs, face.font.clone(), text, *size, false);
        }
        Op::Line { points, width, color, dash } => {
            let mut pb = PathBuilder::new();
            for (n, (x, y)) in points.iter().enumerate() {
                if n == 0 { pb.move_to(*x, *y) } else { pb.line_to(*x, *y) }
            }
            let Some(path) = pb.finish() else { return };
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke {
                paint: color.krilla().into(),
                width: *width,
                line_cap: if dash.is_some() { LineCap::Butt } else { LineCap::Round },
                line_join: LineJoin::Round,
                dash: dash.map(|(on, off)| StrokeDash { array: vec![on, off], offset: 0.0 }),
                ..Default::default()
            }));
            surface.draw_path(&path);
            surface.set_stroke(None);
        }
        Op::Rect { x, y, w, h, fill: color } => {
            let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else { return };
            let mut pb = PathBuilder::new();
            pb.push_rect(rect);
            let Some(path) = pb.finish() else { return };
            surface.set_stroke(None);
            surface.set_fill(Some(fill(*color)));
            surface.draw_path(&path);
        }
        Op::Dot { x, y, r, fill: color } => {
            // A circle as four cubic Béziers.
            const K: f32 = 0.552_284_8;
            let (x, y, r) = (*x, *y, *r);
            let k = r * K;
            let mut pb = PathBuilder::new();
            pb.move_to(x + r, y);
            pb.cubic_to(x + r, y + k, x + k, y + r, x, y + r);
            pb.cubic_to(x - k, y + r, x - r, y + k, x - r, y);
            pb.cubic_to(x - r, y - k, x - k, y - r, x, y - r);
            pb.cubic_to(x + k, y - r, x + r, y - k, x + r, y);
            pb.close();
            let Some(path) = pb.finish() else { return };
            surface.set_stroke(None);
            surface.set_fill(Some(fill(*color)));
            surface.draw_path(&path);
        }
    }
}

/// A short description of a krilla error (its `Debug` would print whole fonts).
pub(crate) fn describe(e: &krilla::error::KrillaError) -> String {
    use krilla::error::KrillaError as K;
    match e {
        K::Font(_, why) => format!("font: {why}"),
        K::Validation(v) => format!("{} validation errors", v.len()),
        K::DuplicateTagId(..) | K::UnknownTagId(..) => "tagging".into(),
        #[allow(unreachable_patterns)]
        _ => "internal error".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_and_wrapped() {
        let f = Fonts::new().unwrap();
        let w = f.width("Flere i beskæftigelse", 10.0, false);
        assert!(w > 80.0 && w < 130.0, "{w}");
        assert!(f.width("Flere", 10.0, true) > f.width("Flere", 10.0, false));
        let lines = f.wrap("en to tre fire fem seks syv otte ni ti", 10.0, false, 60.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| f.width(l, 10.0, false) <= 60.0 || !l.contains(' ')));
        assert_eq!(lines.join(" "), "en to tre fire fem seks syv otte ni ti");
        let short = f.fit("Selvforsørgelse gennem job og uddannelse", 10.0, false, 80.0);
        assert!(short.ends_with('…') && f.width(&short, 10.0, false) <= 80.0);
    }
}
