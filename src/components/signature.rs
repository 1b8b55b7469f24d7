//! The customer's signature (签字验单) drawn on the screen with a finger, a pen or a mouse:
//! pointer events on a canvas. Each finished stroke hands the whole drawing over as a PNG,
//! which is stored and sent like a photo. The pad has an accessible name; "clear" is a
//! button any keyboard reaches; a customer who cannot sign is recorded with a box and a
//! reason, the keyboard's way through.

use std::cell::Cell;
use std::rc::Rc;

use shouhou_core::i18n::t;
use shouhou_core::Lang;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Blob, CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

/// The drawing's size in canvas pixels; CSS scales the pad to the screen's width.
const WIDTH: u32 = 600;
const HEIGHT: u32 = 200;

#[derive(Properties, PartialEq)]
pub struct SignaturePadProps {
    pub lang: Lang,
    /// The stored signature's preview, when there is one.
    pub saved: Option<String>,
    pub error: Option<String>,
    /// The drawing as a PNG, with its width and height, after each stroke.
    pub on_signed: Callback<(Blob, u32, u32)>,
    pub on_clear: Callback<()>,
}

fn context(canvas: &NodeRef) -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
    let canvas = canvas.cast::<HtmlCanvasElement>()?;
    let context = canvas.get_context("2d").ok()??.dyn_into::<CanvasRenderingContext2d>().ok()?;
    Some((canvas, context))
}

/// The pointer's place in canvas pixels (the pad may be drawn smaller or larger).
fn point(canvas: &HtmlCanvasElement, event: &PointerEvent) -> (f64, f64) {
    let scale_x = f64::from(WIDTH) / f64::from(canvas.client_width().max(1));
    let scale_y = f64::from(HEIGHT) / f64::from(canvas.client_height().max(1));
    (f64::from(event.offset_x()) * scale_x, f64::from(event.offset_y()) * scale_y)
}

#[component]
pub fn SignaturePad(props: &SignaturePadProps) -> Html {
    let canvas = use_node_ref();
    let drawing = use_memo((), |_| Rc::new(Cell::new(false)));
    // Strokes drawn since this screen opened: until then the stored signature shows.
    let drawn = use_state(|| false);
    let lang = props.lang;

    let onpointerdown = {
        let (canvas, drawing, drawn) = (canvas.clone(), drawing.clone(), drawn.clone());
        Callback::from(move |event: PointerEvent| {
            let Some((element, context)) = context(&canvas) else { return };
            event.prevent_default();
            let _ = element.set_pointer_capture(event.pointer_id());
            if !*drawn {
                context.clear_rect(0.0, 0.0, f64::from(WIDTH), f64::from(HEIGHT));
                drawn.set(true);
            }
            let (x, y) = point(&element, &event);
            context.set_line_width(3.0);
            context.set_line_cap("round");
            context.set_line_join("round");
            context.set_stroke_style_str("#1a1a1a");
            context.begin_path();
            context.move_to(x, y);
            context.line_to(x + 0.1, y + 0.1);
            context.stroke();
            drawing.set(true);
        })
    };
    let onpointermove = {
        let (canvas, drawing) = (canvas.clone(), drawing.clone());
        Callback::from(move |event: PointerEvent| {
            if !drawing.get() {
                return;
            }
            let Some((element, context)) = context(&canvas) else { return };
            let (x, y) = point(&element, &event);
            context.line_to(x, y);
            context.stroke();
        })
    };
    let end = {
        let (canvas, drawing, on_signed) =
            (canvas.clone(), drawing.clone(), props.on_signed.clone());
        Callback::from(move |_: PointerEvent| {
            if !drawing.replace(false) {
                return;
            }
            let Some(element) = canvas.cast::<HtmlCanvasElement>() else { return };
            let on_signed = on_signed.clone();
            let done = Closure::once_into_js(move |blob: Option<Blob>| {
                if let Some(blob) = blob {
                    on_signed.emit((blob, WIDTH, HEIGHT));
                }
            });
            let _ = element.to_blob(done.unchecked_ref());
        })
    };
    let clear = {
        let (canvas, drawn, on_clear) = (canvas.clone(), drawn.clone(), props.on_clear.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some((_, context)) = context(&canvas) {
                context.clear_rect(0.0, 0.0, f64::from(WIDTH), f64::from(HEIGHT));
            }
            drawn.set(true);
            on_clear.emit(());
        })
    };

    let label = t(lang, "field.signature");
    let signed = props.saved.is_some();
    let status = if signed { "signature.signed" } else { "signature.empty" };
    html! {
        <div class={classes!("field", "signature-field", props.error.as_ref().map(|_| "field-error"))}
            role="group" aria-labelledby="f-signature-label">
            <p class="label" id="f-signature-label">{ label }</p>
            <p class="hint" id="f-signature-hint">{ t(lang, "signature.hint") }</p>
            if let Some(error) = &props.error {
                <p class="error-message" id="f-signature-error">{ error }</p>
            }
            <div class="signature-pad">
                if let (Some(saved), false) = (&props.saved, *drawn) {
                    <img class="signature-saved" src={saved.clone()} alt="" />
                }
                <canvas id="f-signature" ref={canvas} width={WIDTH.to_string()} height={HEIGHT.to_string()}
                    role="img" aria-label={format!("{label}: {}", t(lang, status))}
                    aria-describedby={if props.error.is_some() { "f-signature-hint f-signature-error" } else { "f-signature-hint" }}
                    {onpointerdown} {onpointermove} onpointerup={end.clone()} onpointercancel={end} />
            </div>
            <p class="signature-status" role="status" data-testid="signature-status">{ t(lang, status) }</p>
            <button type="button" class="secondary" onclick={clear}>{ t(lang, "signature.clear") }</button>
        </div>
    }
}
