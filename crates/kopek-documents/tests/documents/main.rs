//! Documents rendered for real (DOC-1 … DOC-5): through typst to PDF with
//! the fonts in the binary, and to HTML for printing, from one model.

mod act;
mod english;
mod invoice;
mod logo;
