//! How long an invitation letter takes to render: the two-page sample
//! (English and Polish, every Latin-extended letter, a QR code), against
//! the floor under it, an empty one-page PDF from the same writer.
//! Target: ≤ 50 ms a letter on one core.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use krilla::Document;
use krilla::page::PageSettings;

fn render(c: &mut Criterion) {
    let letter = deskvisa_letter::sample();
    let mut group = c.benchmark_group("letter");
    group.bench_function("empty page (baseline)", |b| {
        b.iter(|| {
            let mut document = Document::new();
            let page = document.start_page_with(PageSettings::from_wh(595.0, 842.0).unwrap());
            page.finish();
            black_box(document.finish().unwrap())
        });
    });
    group.bench_function("invitation letter, two pages", |b| {
        b.iter(|| black_box(deskvisa_letter::render(black_box(&letter)).unwrap()));
    });
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
