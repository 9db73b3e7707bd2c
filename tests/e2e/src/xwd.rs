//! Screenshots taken from the X server rather than from WebKit.
//!
//! WebKitWebDriver's screenshot command asks the web process for a snapshot; with accelerated
//! compositing off (as the app runs on Linux, see src-tauri/src/main.rs) that snapshot can wait
//! forever for a frame that was already painted. The X server always has the pixels the user
//! sees, so the harness asks it: `xwd` (x11-apps) dumps the window, and this module turns the
//! dump into a PNG.
//!
//! The XWD format is a header of 25 big-endian 32-bit fields, the window name, a colour map of
//! 12-byte entries, then the pixels row by row.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail, ensure};

/// An image as 8-bit RGB rows, top to bottom.
#[derive(Debug, PartialEq, Eq)]
pub struct Rgb {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// Dumps the top-level window whose title is `title` (the whole screen when no such window is
/// mapped) from the X server on `$DISPLAY`.
pub fn capture(title: &str) -> Result<Rgb> {
    let window = Command::new("xwd").args(["-silent", "-name", title]).output();
    let output = match window {
        Ok(out) if out.status.success() && !out.stdout.is_empty() => out,
        Ok(_) => Command::new("xwd").args(["-silent", "-root"]).output().context("running xwd -root")?,
        Err(e) => return Err(e).context("xwd is missing: install x11-apps (`make deps` does)"),
    };
    ensure!(
        output.status.success(),
        "xwd could not read the screen ({}): is DISPLAY set? `make e2e` runs the tests under xvfb-run",
        String::from_utf8_lossy(&output.stderr).trim()
    );
    decode(&output.stdout)
}

/// Decodes a TrueColor XWD dump (32 or 24 bits per pixel, either byte order).
pub fn decode(bytes: &[u8]) -> Result<Rgb> {
    ensure!(bytes.len() >= 100, "an XWD dump is at least 100 bytes, this one is {}", bytes.len());
    let field = |i: usize| u32::from_be_bytes([bytes[4 * i], bytes[4 * i + 1], bytes[4 * i + 2], bytes[4 * i + 3]]);
    let header_size = field(0) as usize;
    let (version, format) = (field(1), field(2));
    let (width, height) = (field(4), field(5));
    let msb_first = field(7) == 1;
    let bits_per_pixel = field(11);
    let bytes_per_line = field(12) as usize;
    let visual_class = field(13);
    let masks = [field(14), field(15), field(16)];
    let ncolors = field(19) as usize;
    ensure!(version == 7, "XWD version {version} is not supported (7 is)");
    ensure!(format == 2, "XWD pixmap format {format} is not supported (ZPixmap, 2, is)");
    // 4 = TrueColor, 5 = DirectColor: pixels carry their colour, the colour map is not needed.
    ensure!(visual_class == 4 || visual_class == 5, "XWD visual class {visual_class} is not TrueColor");
    let bytes_per_pixel = match bits_per_pixel {
        32 => 4,
        24 => 3,
        other => bail!("XWD with {other} bits per pixel is not supported (24 and 32 are)"),
    };
    ensure!(bytes_per_line >= width as usize * bytes_per_pixel, "XWD rows of {bytes_per_line} bytes are too short for {width} pixels");
    let start = header_size + ncolors * 12;
    let end = start + bytes_per_line * height as usize;
    ensure!(bytes.len() >= end, "the XWD dump is cut short: {} bytes of {end}", bytes.len());

    let channel = |pixel: u32, mask: u32| -> u8 {
        if mask == 0 {
            return 0;
        }
        let value = (pixel & mask) >> mask.trailing_zeros();
        let max = mask >> mask.trailing_zeros();
        ((value * 255 + max / 2) / max) as u8
    };
    let mut pixels = Vec::with_capacity(width as usize * height as usize * 3);
    for row in bytes[start..end].chunks_exact(bytes_per_line) {
        for px in row[..width as usize * bytes_per_pixel].chunks_exact(bytes_per_pixel) {
            let mut word = [0u8; 4];
            if msb_first {
                word[4 - bytes_per_pixel..].copy_from_slice(px);
            } else {
                word[..bytes_per_pixel].copy_from_slice(px);
            }
            let pixel = if msb_first { u32::from_be_bytes(word) } else { u32::from_le_bytes(word) };
            pixels.extend(masks.iter().map(|&m| channel(pixel, m)));
        }
    }
    Ok(Rgb { width, height, pixels })
}

/// Writes the image as a PNG.
pub fn write_png(image: &Rgb, path: &Path) -> Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), image.width, image.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&image.pixels)?;
    writer.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An XWD dump as the X server writes one: header, window name, `ncolors` map entries, rows.
    fn dump(width: u32, height: u32, bpp: u32, msb_first: bool, pad: usize, ncolors: u32, rows: &[u8]) -> Vec<u8> {
        let name = b"Indsats\0";
        let header_size = 100 + name.len() as u32;
        let bytes_per_line = width * bpp / 8 + pad as u32;
        let fields: [u32; 25] = [
            header_size,
            7,
            2,
            24,
            width,
            height,
            0,
            msb_first as u32,
            32,
            msb_first as u32,
            32,
            bpp,
            bytes_per_line,
            4,
            0xff0000,
            0x00ff00,
            0x0000ff,
            8,
            256,
            ncolors,
            width,
            height,
            0,
            0,
            0,
        ];
        let mut out: Vec<u8> = fields.iter().flat_map(|f| f.to_be_bytes()).collect();
        out.extend_from_slice(name);
        out.extend(std::iter::repeat_n(0xAA, ncolors as usize * 12));
        out.extend_from_slice(rows);
        out
    }

    #[test]
    fn decodes_xvfb_32_bit_little_endian_rows_with_padding_and_a_colour_map() {
        // Two rows of two pixels, BGRX in memory, then two bytes of row padding.
        let rows = [
            0x00, 0x00, 0xff, 0x00, /* red */ 0x00, 0xff, 0x00, 0x00, /* green */ 9, 9, //
            0xff, 0x00, 0x00, 0x00, /* blue */ 0x10, 0x20, 0x30, 0x00, /* #302010 */ 9, 9,
        ];
        let image = decode(&dump(2, 2, 32, false, 2, 3, &rows)).unwrap();
        assert_eq!((image.width, image.height), (2, 2));
        assert_eq!(image.pixels, vec![255, 0, 0, 0, 255, 0, 0, 0, 255, 0x30, 0x20, 0x10]);
    }

    #[test]
    fn decodes_24_bit_big_endian_pixels() {
        let rows = [0x12, 0x34, 0x56, 0xff, 0xff, 0xff];
        let image = decode(&dump(2, 1, 24, true, 0, 0, &rows)).unwrap();
        assert_eq!(image.pixels, vec![0x12, 0x34, 0x56, 255, 255, 255]);
    }

    #[test]
    fn refuses_a_dump_that_is_cut_short_or_not_true_colour() {
        let full = dump(2, 2, 32, false, 0, 0, &[0; 16]);
        let err = decode(&full[..full.len() - 1]).unwrap_err().to_string();
        assert!(err.contains("cut short"), "{err}");
        let mut pseudo = full.clone();
        pseudo[13 * 4..14 * 4].copy_from_slice(&3u32.to_be_bytes());
        assert!(decode(&pseudo).unwrap_err().to_string().contains("TrueColor"));
        assert!(decode(&full[..40]).is_err());
    }

    #[test]
    fn writes_a_png_that_reads_back_to_the_same_pixels() {
        let image = Rgb { width: 2, height: 1, pixels: vec![1, 2, 3, 250, 251, 252] };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.png");
        write_png(&image, &path).unwrap();
        let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (2, 1));
        assert_eq!(&buf[..info.buffer_size()], &image.pixels[..]);
    }
}
