//! GraphQL over WebSocket at `/graphql`: the `graphql-transport-ws` protocol (what the
//! `graphql-ws` client speaks), and the older `subscriptions-transport-ws` (`graphql-ws`
//! subprotocol) that Apollo's legacy client speaks. Operations run as the public: the
//! subscriptions carry published data only.

use std::convert::Infallible;
use std::str::FromStr;

use async_graphql::http::{WebSocket as GraphqlSocket, WebSocketProtocols, WsMessage};
use futures::{future, SinkExt, StreamExt};
use warp::http::header;
use warp::reply::Response;
use warp::ws::{Message, WebSocket, Ws};
use warp::Reply;

use tipx_schema::error::ErrorCode;
use tipx_schema::graphql::connection_data;

use super::{error_response, AppState, ResponseType};

/// Largest message a client may send (a subscription document and its variables).
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// The upgrade, or a clear refusal.
pub(crate) async fn upgrade(
    ws: Ws,
    protocols: Option<String>,
    state: AppState,
) -> Result<Response, Infallible> {
    let protocol = protocols.as_deref().and_then(|list| {
        list.split(',')
            .find_map(|p| WebSocketProtocols::from_str(p.trim()).ok())
    });
    let Some(protocol) = protocol else {
        return Ok(error_response(
            ErrorCode::BadRequest,
            "GraphQL over WebSocket needs Sec-WebSocket-Protocol: graphql-transport-ws (the graphql-ws client sends it)",
            ResponseType::Json,
        ));
    };
    let Ok(permit) = state.websockets.clone().try_acquire_owned() else {
        tracing::warn!("WebSocket refused: this node has as many open as server.max_websockets");
        return Ok(error_response(
            ErrorCode::Unavailable,
            "this node has as many WebSocket connections as it takes; try again later or another node",
            ResponseType::Json,
        ));
    };
    let reply = ws
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| async move {
            serve(socket, protocol, state).await;
            drop(permit);
        });
    Ok(warp::reply::with_header(
        reply,
        header::SEC_WEBSOCKET_PROTOCOL,
        protocol.sec_websocket_protocol(),
    )
    .into_response())
}

/// Runs one connection until the client or the server closes it.
async fn serve(socket: WebSocket, protocol: WebSocketProtocols, state: AppState) {
    let (mut sink, incoming) = socket.split();
    let incoming = incoming
        .take_while(|message| future::ready(message.is_ok()))
        .filter_map(|message| {
            future::ready(
                message
                    .ok()
                    .filter(|m| m.is_text() || m.is_binary())
                    .map(Message::into_bytes),
            )
        });
    let store = state.store.clone();
    let mut outgoing = GraphqlSocket::new(state.schema.clone(), incoming, protocol)
        .on_connection_init(move |_payload| async move { Ok(connection_data(store)) });
    let closing = closed(state.closing.clone());
    tokio::pin!(closing);
    tracing::debug!(
        protocol = protocol.sec_websocket_protocol(),
        "WebSocket opened"
    );
    loop {
        tokio::select! {
            message = outgoing.next() => match message {
                Some(WsMessage::Text(text)) => {
                    if sink.send(Message::text(text)).await.is_err() {
                        break;
                    }
                }
                Some(WsMessage::Close(code, reason)) => {
                    let _ = sink.send(Message::close_with(code, reason)).await;
                    break;
                }
                None => break,
            },
            _ = &mut closing => {
                // 1001: going away; the client reconnects (to another node) with `after`.
                let _ = sink
                    .send(Message::close_with(1001u16, "the server is shutting down"))
                    .await;
                break;
            }
        }
    }
    let _ = sink.close().await;
    tracing::debug!("WebSocket closed");
}

/// Resolves when the node starts shutting down.
async fn closed(mut closing: tokio::sync::watch::Receiver<bool>) {
    let _ = closing.wait_for(|closing| *closing).await;
}
