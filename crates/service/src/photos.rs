//! A site's photo as deskvisa keeps it: whatever the admin uploads (JPEG,
//! PNG or WebP, at most [`MAX_PHOTO_BYTES`]) is decoded by the image crate,
//! turned upright by its EXIF orientation, scaled to at most
//! [`FULL_SIDE`] pixels a side and cut to a [`THUMBNAIL`] thumbnail, and
//! re-encoded as JPEG. Nothing of the upload but its pixels survives: no
//! EXIF (camera, GPS position), no ICC profile, no comments.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

/// The largest upload, in bytes.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// The longest side of the kept photo, in pixels.
pub const FULL_SIDE: u32 = 1600;
/// The thumbnail's size, in pixels (3:2, as the map's list shows it).
pub const THUMBNAIL: (u32, u32) = (360, 240);
/// The largest picture decoded, a side (a small file may claim a huge one).
const MAX_DECODED_SIDE: u32 = 12_000;
const QUALITY: u8 = 82;

/// Why an upload is not a photo deskvisa keeps.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// More than [`MAX_PHOTO_BYTES`].
    #[error("the photo is larger than 5 MB")]
    TooLarge,
    /// Not a JPEG, PNG or WebP image that decodes.
    #[error("this is not a JPEG, PNG or WebP image that can be read")]
    NotAnImage,
}

/// The photo as kept.
#[derive(Debug, Clone)]
pub struct Reencoded {
    /// The JPEG of the photo.
    pub photo: Vec<u8>,
    /// The JPEG of the thumbnail.
    pub thumbnail: Vec<u8>,
    /// The photo's width.
    pub width: u32,
    /// The photo's height.
    pub height: u32,
    /// The first 16 hex digits of the photo's SHA-256.
    pub version: String,
}

/// Decodes, turns, scales and re-encodes an upload.
pub fn reencode(bytes: &[u8]) -> Result<Reencoded, PhotoError> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let format = image::guess_format(bytes).map_err(|_| PhotoError::NotAnImage)?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) {
        return Err(PhotoError::NotAnImage);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODED_SIDE);
    limits.max_image_height = Some(MAX_DECODED_SIDE);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| PhotoError::NotAnImage)?;
    let orientation = decoder.orientation().map_err(|_| PhotoError::NotAnImage)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(|_| PhotoError::NotAnImage)?;
    image.apply_orientation(orientation);
    let full = if image.width() > FULL_SIDE || image.height() > FULL_SIDE {
        image.resize(FULL_SIDE, FULL_SIDE, FilterType::Lanczos3)
    } else {
        image.clone()
    };
    let thumbnail = image.resize_to_fill(THUMBNAIL.0, THUMBNAIL.1, FilterType::Triangle);
    let photo = jpeg(&full)?;
    let digest = Sha256::digest(&photo);
    Ok(Reencoded {
        width: full.width(),
        height: full.height(),
        version: digest.iter().take(8).map(|b| format!("{b:02x}")).collect(),
        thumbnail: jpeg(&thumbnail)?,
        photo,
    })
}

fn jpeg(image: &DynamicImage) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    // JPEG has no alpha: flatten to RGB first.
    let rgb = DynamicImage::ImageRgb8(image.to_rgb8());
    JpegEncoder::new_with_quality(&mut out, QUALITY).encode_image(&rgb).map_err(|_| PhotoError::NotAnImage)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb, Rgba};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = ImageBuffer::from_fn(width, height, |x, y| Rgba([(x % 256) as u8, (y % 256) as u8, 90, 200]));
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(image).write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn a_large_photo_is_scaled_to_1600_and_a_thumbnail_cut() {
        let kept = reencode(&png(3200, 1800)).unwrap();
        assert_eq!((kept.width, kept.height), (1600, 900));
        let photo = image::load_from_memory(&kept.photo).unwrap();
        assert_eq!((photo.width(), photo.height()), (1600, 900));
        assert_eq!(image::guess_format(&kept.photo).unwrap(), ImageFormat::Jpeg);
        let thumb = image::load_from_memory(&kept.thumbnail).unwrap();
        assert_eq!((thumb.width(), thumb.height()), THUMBNAIL);
        assert_eq!(kept.version.len(), 16);
    }

    /// A camera's JPEG: 200 × 100 pixels stored sideways, its EXIF saying
    /// "turn 90° clockwise" and naming the camera.
    fn camera_jpeg() -> Vec<u8> {
        use image::ImageEncoder;
        let mut exif = b"MM\0*\0\0\0\x08\0\x02".to_vec();
        // Orientation (0x0112), SHORT, 1, value 6: rotate 90° clockwise.
        exif.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
        // Make (0x010F), ASCII, 16 bytes at offset 38.
        exif.extend_from_slice(&[0x01, 0x0F, 0, 2, 0, 0, 0, 16, 0, 0, 0, 38]);
        exif.extend_from_slice(&[0, 0, 0, 0]);
        exif.extend_from_slice(b"SECRET-CAMERA-7\0");
        let pixels: ImageBuffer<Rgb<u8>, _> = ImageBuffer::from_fn(200, 100, |x, _| Rgb([(x % 256) as u8, 10, 10]));
        let mut out = Vec::new();
        let mut encoder = JpegEncoder::new_with_quality(&mut out, 90);
        encoder.set_exif_metadata(exif).unwrap();
        encoder.write_image(pixels.as_raw(), 200, 100, image::ExtendedColorType::Rgb8).unwrap();
        out
    }

    #[test]
    fn a_camera_photo_is_turned_upright_and_loses_its_metadata() {
        let upload = camera_jpeg();
        assert!(upload.windows(13).any(|w| w == b"SECRET-CAMERA"), "the upload carries the camera's name");
        let kept = reencode(&upload).unwrap();
        assert_eq!((kept.width, kept.height), (100, 200), "turned as its EXIF says");
        for jpeg in [&kept.photo, &kept.thumbnail] {
            assert!(!jpeg.windows(13).any(|w| w == b"SECRET-CAMERA"));
            assert!(!jpeg.windows(4).any(|w| w == b"Exif"), "no EXIF segment at all");
        }
    }

    #[test]
    fn a_small_photo_keeps_its_size() {
        let kept = reencode(&png(800, 600)).unwrap();
        assert_eq!((kept.width, kept.height), (800, 600));
    }

    #[test]
    fn what_is_no_image_is_refused() {
        assert_eq!(reencode(b"GIF89a not really").unwrap_err(), PhotoError::NotAnImage);
        assert_eq!(reencode(b"%PDF-1.7").unwrap_err(), PhotoError::NotAnImage);
        let mut broken = png(100, 100);
        broken.truncate(60);
        assert_eq!(reencode(&broken).unwrap_err(), PhotoError::NotAnImage);
        assert_eq!(reencode(&vec![0u8; MAX_PHOTO_BYTES + 1]).unwrap_err(), PhotoError::TooLarge);
    }
}
