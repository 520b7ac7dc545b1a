//! A widget that loads once (and again when its attributes change or the visitor retries),
//! then shows what it loaded: the country profile and the record card.

use std::future::Future;
use std::marker::PhantomData;
use std::rc::Rc;

use yew::prelude::*;

use crate::api::{ApiError, Labels};
use crate::common::{error_box, footer};
use crate::config::Common;

/// What such a widget loads and how it shows it.
pub trait Remote: 'static {
    /// Its settings, read from the element's attributes.
    type Config: Clone + PartialEq + 'static;
    /// What it loads.
    type Data: 'static;
    /// The class on its root element, e.g. `tipx-country`.
    const CLASS: &'static str;

    fn common(config: &Self::Config) -> &Common;
    /// Loads the data and the labels of the widget's language.
    fn load(
        config: Self::Config,
    ) -> impl Future<Output = Result<(Rc<Self::Data>, Rc<Labels>), ApiError>> + 'static;
    fn view(config: &Self::Config, data: &Rc<Self::Data>, labels: &Rc<Labels>) -> Html;
}

#[derive(Properties)]
pub struct RemoteProps<C: PartialEq> {
    pub config: C,
}

impl<C: PartialEq> PartialEq for RemoteProps<C> {
    fn eq(&self, other: &Self) -> bool {
        self.config == other.config
    }
}

type Loaded<R> = Result<(Rc<<R as Remote>::Data>, Rc<Labels>), ApiError>;

pub enum Msg<R: Remote> {
    Loaded(Loaded<R>),
    Retry,
}

pub struct RemoteWidget<R: Remote> {
    state: Option<Loaded<R>>,
    _kind: PhantomData<R>,
}

impl<R: Remote> RemoteWidget<R> {
    fn fetch(&mut self, ctx: &Context<Self>) {
        self.state = None;
        let config = ctx.props().config.clone();
        ctx.link()
            .send_future(async move { Msg::Loaded(R::load(config).await) });
    }
}

impl<R: Remote> Component for RemoteWidget<R> {
    type Message = Msg<R>;
    type Properties = RemoteProps<R::Config>;

    fn create(ctx: &Context<Self>) -> Self {
        let mut widget = RemoteWidget {
            state: None,
            _kind: PhantomData,
        };
        widget.fetch(ctx);
        widget
    }

    fn changed(&mut self, ctx: &Context<Self>, _old: &Self::Properties) -> bool {
        self.fetch(ctx);
        true
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        match msg {
            Msg::Loaded(result) => self.state = Some(result),
            Msg::Retry => self.fetch(ctx),
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let config = &ctx.props().config;
        let lang = R::common(config).lang;
        let body = match &self.state {
            None => html! { <p class="tipx-muted" role="status">{ lang.ui().loading }</p> },
            // What does not exist will not appear by retrying.
            Some(Err(e)) if e.code == "NOT_FOUND" => error_box(lang, e, None),
            Some(Err(e)) => error_box(lang, e, Some(ctx.link().callback(|_| Msg::Retry))),
            Some(Ok((data, labels))) => R::view(config, data, labels),
        };
        html! {
            <div key={lang.code()} class={classes!("tipx-root", R::CLASS)} dir={lang.dir()} lang={lang.code()}
                aria-busy={self.state.is_none().to_string()}>
                { body }
                { footer(lang) }
            </div>
        }
    }
}
