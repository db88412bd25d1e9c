//! The browser entry points: one `BatchPage` per page, holding the decided sheet. The page's script
//! (www/page.js) reads files, handles events and puts the HTML written here in place.

use crate::batch::Batch;
use crate::words::Lang;
use crate::{output, render};
use anbei_core::{Date, Engine, Fact};
use wasm_bindgen::prelude::*;

fn engine() -> Result<&'static Engine, JsValue> {
    thread_local! {
        static ENGINE: std::cell::OnceCell<Option<&'static Engine>> = const { std::cell::OnceCell::new() };
    }
    ENGINE
        .with(|e| *e.get_or_init(|| Engine::embedded().ok().map(|e| &*Box::leak(Box::new(e)))))
        .ok_or_else(|| JsValue::from_str("rule data did not load"))
}

fn gb18030(bytes: &[u8]) -> String {
    let opts = web_sys::TextDecoderOptions::new();
    web_sys::TextDecoder::new_with_label_and_options("gb18030", &opts)
        .and_then(|d| d.decode_with_u8_array(bytes))
        .unwrap_or_default()
}

#[wasm_bindgen]
pub struct BatchPage {
    lang: Lang,
    today: Date,
    batch: Option<Batch<'static>>,
}

#[wasm_bindgen]
impl BatchPage {
    /// `today`: YYYY-MM-DD in Asia/Shanghai (the page's clock; the core has none).
    #[wasm_bindgen(constructor)]
    pub fn new(lang: &str, today: &str) -> Result<BatchPage, JsValue> {
        engine()?;
        let today = Date::parse(today).ok_or_else(|| JsValue::from_str("today: YYYY-MM-DD"))?;
        Ok(BatchPage {
            lang: Lang::from_tag(lang),
            today,
            batch: None,
        })
    }

    pub fn set_lang(&mut self, lang: &str) {
        self.lang = Lang::from_tag(lang);
    }

    pub fn word(&self, key: &str) -> String {
        crate::words::w(self.lang, key).to_owned()
    }

    /// Reads a file (xlsx, or CSV in UTF-8 / GB18030) and decides every row. Returns the row count.
    pub fn load_file(&mut self, bytes: &[u8]) -> Result<usize, JsValue> {
        let rows = crate::read_file(bytes, gb18030).map_err(|e| {
            let why = match e {
                crate::xlsx::XlsxError::NotAZip => "not an .xlsx",
                crate::xlsx::XlsxError::NoSheet => "no sheet",
            };
            JsValue::from_str(&crate::words::w(self.lang, "not_readable").replace("{why}", why))
        })?;
        self.load_rows(rows)
    }

    /// Decides rows pasted from a sheet (tab-separated, header first).
    pub fn load_text(&mut self, text: &str) -> Result<usize, JsValue> {
        self.load_rows(crate::text::rows(text))
    }

    fn load_rows(&mut self, rows: Vec<Vec<String>>) -> Result<usize, JsValue> {
        let b = Batch::new(engine()?, self.today, rows);
        let n = b.rows.len();
        self.batch = Some(b);
        Ok(n)
    }

    pub fn summary_html(&self) -> String {
        self.batch
            .as_ref()
            .map_or(String::new(), |b| render::summary_html(b, self.lang))
    }

    pub fn pages(&self, attention: bool) -> usize {
        self.batch
            .as_ref()
            .map_or(1, |b| render::pages(b, attention))
    }

    pub fn table_html(&self, page: usize, attention: bool, origin: &str) -> String {
        self.batch.as_ref().map_or(String::new(), |b| {
            render::table_html(b, self.lang, page, attention, origin)
        })
    }

    pub fn question_html(&self, row: usize, error: Option<String>) -> String {
        self.batch.as_ref().map_or(String::new(), |b| {
            render::question_html(b, self.lang, row, error.as_deref())
        })
    }

    /// Answers one fact of a row; `undefined` when taken, else the message of the rule it breaks.
    pub fn answer(&mut self, row: usize, fact: &str, value: &str) -> Option<String> {
        let lang = self.lang;
        let b = self.batch.as_mut()?;
        let f = Fact::from_key(fact)?;
        b.answer(row, f, value)
            .err()
            .map(|e| lang.pick(&e.message.zh, &e.message.en).to_owned())
    }

    /// Brings back the answers of an interview's share link into a row; the number taken, or the reason.
    pub fn bring_back(&mut self, row: usize, link: &str) -> Result<usize, JsValue> {
        let lang = self.lang;
        let b = self.batch.as_mut().ok_or_else(|| JsValue::from_str(""))?;
        b.bring_back(row, link)
            .map_err(|_| JsValue::from_str(crate::words::w(lang, "bring_back_bad")))
    }

    pub fn share_link(&self, row: usize, origin: &str) -> String {
        self.batch
            .as_ref()
            .and_then(|b| b.rows.get(row))
            .map_or(String::new(), |r| {
                format!("{origin}/#{}", r.share_fragment())
            })
    }

    pub fn results_xlsx(&self, origin: &str) -> Vec<u8> {
        self.batch
            .as_ref()
            .map_or(Vec::new(), |b| output::results_xlsx(b, self.lang, origin))
    }

    pub fn results_csv(&self, origin: &str) -> String {
        self.batch
            .as_ref()
            .map_or(String::new(), |b| output::results_csv(b, self.lang, origin))
    }

    pub fn template_xlsx(&self) -> Result<Vec<u8>, JsValue> {
        Ok(output::template_xlsx(engine()?, self.today))
    }

    pub fn template_csv(&self) -> String {
        output::template_csv()
    }
}
