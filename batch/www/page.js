
// ---- the batch page (batch/www/page.js, appended to the wasm-bindgen glue by scripts/build-bundle.sh) ----
{
  const $ = (id) => document.getElementById(id);
  const shanghaiToday = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  let lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'zh-CN';
  let page = 0;
  let loaded = false;
  let app;
  const origin = location.origin;
  const attention = () => $('filter').value === 'attention';

  const words = () => {
    document.documentElement.lang = lang;
    for (const el of document.querySelectorAll('[data-w]')) el.textContent = app.word(el.dataset.w);
    document.title = app.word('title') + ' · 安备';
    $('lang').textContent = app.word('lang_switch');
    $('lang').lang = lang === 'en' ? 'zh-CN' : 'en';
    document.querySelector('nav.pager').setAttribute('aria-label', app.word('pages'));
  };
  const show = (focusTable) => {
    if (!loaded) return;
    $('out').hidden = false;
    $('summary').innerHTML = app.summary_html();
    const pages = app.pages(attention());
    page = Math.max(0, Math.min(page, pages - 1));
    $('table').innerHTML = app.table_html(page, attention(), origin);
    $('page-of').textContent = app.word('page_of').replace('{page}', page + 1).replace('{pages}', pages);
    $('prev').disabled = page === 0;
    $('next').disabled = page >= pages - 1;
    if (focusTable) $('table').focus();
  };
  const status = (t) => { $('status').textContent = t; };
  const done = (n) => {
    loaded = true; page = 0; $('question').innerHTML = '';
    show(false);
    status(`${app.word('rows_total')}: ${n}`);
    $('summary-h')?.focus?.();
  };
  const download = (name, data, type) => {
    const url = URL.createObjectURL(new Blob([data], { type }));
    const a = document.createElement('a');
    a.href = url; a.download = name; document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  };
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

  const ask = (row, error) => {
    $('question').innerHTML = app.question_html(row, error);
    $('q-input')?.focus();
  };

  const start = () => {
    app = new BatchPage(lang, shanghaiToday());
    window.anbeiBatch = app; // for the bench and the browser test
    words();
    $('lang').onclick = () => { lang = lang === 'en' ? 'zh-CN' : 'en'; app.set_lang(lang); words(); show(false); };
    $('file').onchange = async (e) => {
      const f = e.target.files[0];
      if (!f) return;
      try { done(app.load_file(new Uint8Array(await f.arrayBuffer()))); } catch (err) { status(String(err)); }
    };
    $('paste-go').onclick = () => { try { done(app.load_text($('paste').value)); } catch (err) { status(String(err)); } };
    $('tpl-xlsx').onclick = () => download('anbei-batch-template.xlsx', app.template_xlsx(), XLSX);
    $('tpl-csv').onclick = () => download('anbei-batch-template.csv', app.template_csv(), 'text/csv;charset=utf-8');
    $('dl-xlsx').onclick = () => download('anbei-batch-results.xlsx', app.results_xlsx(origin), XLSX);
    $('dl-csv').onclick = () => download('anbei-batch-results.csv', app.results_csv(origin), 'text/csv;charset=utf-8');
    $('print').onclick = () => window.print();
    $('filter').onchange = () => { page = 0; show(false); };
    $('prev').onclick = () => { page -= 1; show(true); };
    $('next').onclick = () => { page += 1; show(true); };
    $('table').addEventListener('click', async (e) => {
      const b = e.target.closest('button[data-act]');
      if (!b) return;
      const row = Number(b.dataset.row);
      if (b.dataset.act === 'complete') ask(row);
      if (b.dataset.act === 'share') {
        const link = app.share_link(row, origin);
        try { await navigator.clipboard.writeText(link); status(app.word('share_copied')); } catch { status(link); }
      }
    });
    $('question').addEventListener('click', (e) => {
      if (e.target.closest('button[data-act="back"]')) {
        const form = $('question').querySelector('form');
        const row = Number(form.dataset.row);
        try {
          const n = app.bring_back(row, form.elements.back.value);
          show(false);
          if (app.question_html(row)) ask(row); else $('question').innerHTML = '';
          status(`${app.word('col_row')} ${row + 1}: ${n}`);
        } catch (err) { ask(row, String(err)); }
        return;
      }
      if (e.target.closest('button[data-act="cancel"]')) {
        const row = $('question').querySelector('form')?.dataset.row;
        $('question').innerHTML = '';
        $('table').querySelector(`button[data-row="${row}"]`)?.focus();
      }
    });
    $('question').addEventListener('submit', (e) => {
      e.preventDefault();
      const form = e.target;
      const row = Number(form.dataset.row);
      const err = app.answer(row, form.dataset.fact, form.elements.value.value);
      show(false);
      const next = app.question_html(row, err);
      if (next) ask(row, err);
      else {
        $('question').innerHTML = '';
        status(`${app.word('col_row')} ${form.querySelector('.q-row')?.textContent ?? ''}: ${app.word('decided')}`);
        $('table').querySelector(`tr[data-row="${row}"] th`)?.setAttribute('tabindex', '-1');
        $('table').querySelector(`tr[data-row="${row}"] th`)?.focus();
      }
    });
    document.body.dataset.ready = '1';
  };
  __wbg_init({ module_or_path: new URL('anbei-batch_bg.wasm', import.meta.url) }).then(start);
}
