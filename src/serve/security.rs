//! Who may talk to the server, and what every response carries.
//!
//! - `Host` must be `127.0.0.1:PORT` or `localhost:PORT`: a page on another site whose name was
//!   rebound to 127.0.0.1 (DNS rebinding) is same-origin to the browser, so only `Host` tells.
//! - Only GET and HEAD read, only POST changes anything; a POST is refused when the browser says
//!   it comes from another site (`Sec-Fetch-Site`) or another origin (`Origin`).
//! - A random token per run, in the address the tool opens, is exchanged for an HttpOnly,
//!   SameSite=Strict cookie; every other request without that cookie gets 401. The cookie's name
//!   carries the port, since cookies are shared by every port of a host. The token is never
//!   logged (the server keeps no request log) and the exchange answers with a page that moves on
//!   to `/`, so the address bar and history keep the token only for that first request.
//! - Every response: a strict Content-Security-Policy (no inline script, nothing from another
//!   origin), `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
//!   `Cache-Control: no-store`.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use super::app::App;

/// The Content-Security-Policy of every response.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The path that answers without the cookie: it tells a second `jixiao serve` that this is
/// jixiao, and for which folder.
pub const HELLO: &str = "/api/hello";

/// The cookie that carries the token.
pub fn cookie_name(port: u16) -> String {
    format!("jixiao-{port}")
}

/// Applies every rule above, in order: Host, method and origin, token.
pub async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let port = app.config.port;
    let headers = request.headers();
    if !host_allowed(headers, port) {
        return refuse(StatusCode::FORBIDDEN, "禁止访问：地址中的主机名不是本机");
    }
    let method = request.method().clone();
    if method == Method::POST {
        if !same_origin(headers, port) {
            return refuse(StatusCode::FORBIDDEN, "禁止访问：请求来自其他网站");
        }
    } else if method != Method::GET && method != Method::HEAD {
        return refuse(StatusCode::METHOD_NOT_ALLOWED, "不支持的请求方法");
    }
    if request.uri().path() == HELLO {
        return next.run(request).await;
    }
    let token = &app.config.token;
    if request.uri().path() == "/"
        && method == Method::GET
        && let Some(given) = query_token(request.uri().query())
    {
        if !equal(given.as_bytes(), token.as_bytes()) {
            return refuse(StatusCode::UNAUTHORIZED, UNAUTHORIZED);
        }
        return exchange(port, token);
    }
    if !has_cookie(headers, port, token) {
        return refuse(StatusCode::UNAUTHORIZED, UNAUTHORIZED);
    }
    next.run(request).await
}

const UNAUTHORIZED: &str =
    "需要访问令牌：请使用运行 jixiao serve 的终端上显示的完整地址（含 ?token=…）打开本页";

/// Adds the headers every response carries.
pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// True when `Host` names this server on the loopback address.
pub fn host_allowed(headers: &HeaderMap, port: u16) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    [format!("127.0.0.1:{port}"), format!("localhost:{port}")]
        .iter()
        .any(|allowed| host.eq_ignore_ascii_case(allowed))
}

/// False when the browser says the request comes from another site or origin. Clients that
/// send neither header (not a browser) still need the cookie.
pub fn same_origin(headers: &HeaderMap, port: u16) -> bool {
    if let Some(site) = headers.get("sec-fetch-site")
        && site.as_bytes() != b"same-origin"
    {
        return false;
    }
    let origins = [
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
    ];
    match headers.get(header::ORIGIN) {
        Some(origin) => origins
            .iter()
            .any(|allowed| origin.as_bytes().eq_ignore_ascii_case(allowed.as_bytes())),
        None => true,
    }
}

fn query_token(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
}

fn has_cookie(headers: &HeaderMap, port: u16, token: &str) -> bool {
    let name = cookie_name(port);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(n, v)| n == name && equal(v.as_bytes(), token.as_bytes()))
}

/// Compares in time that does not depend on where the first difference is.
fn equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Sets the cookie and moves on to `/` with a page (not a redirect: a SameSite=Strict cookie is
/// not sent on a redirect that ends a navigation begun on another site or a local file).
fn exchange(port: u16, token: &str) -> Response {
    let cookie = format!(
        "{}={token}; HttpOnly; SameSite=Strict; Path=/",
        cookie_name(port)
    );
    let page = Html(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0;url=/\"><title>jixiao</title>\
         <p><a href=\"/\">进入 jixiao 页面</a></p></html>",
    );
    let mut response = page.into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

fn refuse(status: StatusCode, message: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>jixiao</title><p>{message}</p></html>"
    );
    (status, Html(page)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(equal(b"abc", b"abc"));
        assert!(!equal(b"abc", b"abd"));
        assert!(!equal(b"abc", b"ab"));
        assert_eq!(query_token(Some("a=1&token=xyz")), Some("xyz"));
        assert_eq!(query_token(Some("tokens=xyz")), None);
    }
}
