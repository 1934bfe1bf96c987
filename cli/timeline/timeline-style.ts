/** The page's whole stylesheet, inlined: the page loads nothing from anywhere. */
export const TIMELINE_CSS = `
:root { --label-px: 240px; --lane-px: 26px; --scheduled: #1f6feb; --cancelled: #cf222e; --retired: #9a6700;
  color-scheme: light; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #fff; }
* { box-sizing: border-box; }
body { margin: 0; display: flex; flex-direction: column; height: 100vh; }
header { padding: 12px 16px 8px; border-bottom: 1px solid #d0d7de; }
h1 { font-size: 18px; margin: 0 0 4px; }
.summary, .window-label, .undrawn { margin: 0; color: #59636e; }
.controls { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 8px 0 4px; }
.controls button { font: inherit; padding: 2px 10px; border: 1px solid #d0d7de; border-radius: 6px; background: #f6f8fa; cursor: pointer; }
.controls button[aria-pressed="true"] { background: #ddf4ff; border-color: #54aeff; }
.controls label { margin-left: 12px; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; color: #59636e; font-size: 12px; margin-top: 4px; }
.legend span::before { content: ""; display: inline-block; width: 22px; height: 10px; margin-right: 5px; vertical-align: -1px; border-radius: 2px; }
.legend .l-scheduled::before { background: var(--scheduled); }
.legend .l-open::before { background: var(--scheduled); box-shadow: inset -4px 0 0 #0b3d91; }
.legend .l-unknown::before { background: linear-gradient(90deg, var(--scheduled), transparent); border-left: 3px solid #0b3d91; }
.legend .l-overlap::before { background: var(--scheduled); box-shadow: inset 0 -3px 0 #d1242f; }
.legend .l-cancelled::before { background: repeating-linear-gradient(135deg, #ffebe9 0 4px, var(--cancelled) 4px 6px); }
.legend .l-retired::before { background: repeating-linear-gradient(45deg, #fff8c5 0 4px, var(--retired) 4px 6px); }
.legend .l-now::before { width: 2px; background: #d1242f; }
main { position: relative; flex: 1; min-height: 0; display: flex; flex-direction: column; }
.axis { position: sticky; top: 0; z-index: 4; display: flex; border-bottom: 1px solid #d0d7de; background: #f6f8fa; }
.axis-label { width: var(--label-px); flex: none; padding: 4px 8px; font-size: 12px; color: #59636e; }
.axis-track { position: relative; flex: 1; height: 26px; overflow: hidden; }
.tick { position: absolute; top: 0; bottom: 0; border-left: 1px solid #d0d7de; padding-left: 4px; font-size: 11px; color: #59636e; white-space: nowrap; line-height: 26px; }
.rows { position: relative; flex: 1; overflow-y: auto; overflow-x: hidden; }
.row { display: flex; border-bottom: 1px solid #eaeef2; min-height: calc(var(--lane-px) + 8px); }
.row:nth-child(even) { background: #fbfcfd; }
.row-label { width: var(--label-px); flex: none; margin: 0; padding: 6px 8px; font-size: 12px; line-height: 1.3; font-weight: 600; overflow-wrap: anywhere; border-right: 1px solid #eaeef2; }
.row-count { display: block; font-weight: 400; color: #59636e; }
.track { position: relative; flex: 1; overflow: hidden; }
.bar { position: absolute; height: calc(var(--lane-px) - 4px); margin-top: 4px; border-radius: 3px; background: var(--scheduled); color: #fff;
  font-size: 12px; line-height: calc(var(--lane-px) - 4px); padding: 0 4px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; cursor: default; outline-offset: 1px; }
.bar:focus-visible, .bar:hover { outline: 2px solid #0969da; z-index: 2; }
.bar.end-open { border-radius: 3px 0 0 3px; box-shadow: inset -4px 0 0 #0b3d91; }
.bar.end-unknown { background: linear-gradient(90deg, var(--scheduled) 0, var(--scheduled) 35%, rgba(31, 111, 235, 0) 100%); border-left: 3px solid #0b3d91; border-radius: 0; color: #0b3d91; text-shadow: 0 0 3px #fff; }
.bar.overlap { box-shadow: inset 0 -3px 0 #d1242f; }
.bar.state-cancelled { background: repeating-linear-gradient(135deg, #ffebe9 0 5px, #ffcecb 5px 8px); color: var(--cancelled); border: 1px dashed var(--cancelled); text-decoration: line-through; }
.bar.state-retired { background: repeating-linear-gradient(45deg, #fff8c5 0 5px, #f5e0a0 5px 8px); color: var(--retired); border: 1px dashed var(--retired); }
.bar.narrow .bar-text { visibility: hidden; }
.bar.inactive { display: none; }
.show-inactive .bar.inactive { display: block; }
.bar-mark { font-weight: 700; margin-right: 4px; }
.now-line { position: absolute; top: 0; width: 2px; margin-left: -1px; background: #d1242f; pointer-events: none; z-index: 5; }
.now-line::after { content: "now"; position: absolute; top: 12px; left: 4px; font-size: 10px; font-weight: 700; color: #d1242f; }
.details { position: fixed; z-index: 10; max-width: 420px; padding: 8px 10px; background: #fff; border: 1px solid #8c959f; border-radius: 6px; box-shadow: 0 4px 16px rgba(0,0,0,.18); font-size: 12px; }
.details[hidden] { display: none; }
.details dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 0; }
.details dt { color: #59636e; }
.details dd { margin: 0; overflow-wrap: anywhere; }
.details ol { margin: 0; padding-left: 18px; }
.empty { padding: 24px 16px; color: #59636e; }
.failures { margin: 6px 0 0; max-height: 30vh; overflow: auto; padding: 4px 8px; border: 1px solid #cf222e; border-radius: 6px; background: #fff5f5; }
.failures summary { cursor: pointer; color: #82071e; }
.failures table { border-collapse: collapse; margin-top: 4px; font-size: 12px; }
.failures th, .failures td { text-align: left; vertical-align: top; padding: 2px 8px 2px 0; border-top: 1px solid #ffcecb; overflow-wrap: anywhere; }
.failures th { color: #59636e; font-weight: 600; }
.failures .request-id, .failures-more { color: #59636e; }
.incomplete { margin: 6px 0 0; padding: 4px 8px; border: 1px solid #d4a72c; border-radius: 6px; background: #fff8c5; color: #7d4e00; }
`;
