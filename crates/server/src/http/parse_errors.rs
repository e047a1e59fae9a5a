//! hyper answers a request it cannot read itself, before any route sees
//! it: bytes an address may not hold (400), a head larger than the
//! connection's buffer (431). Its answer has an empty body. This wrapper of
//! a connection replaces such an answer, as it is written, by the same
//! status with the JSON error body every other answer has.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use handover_core::ErrorBody;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A connection whose unreadable-request answers carry the JSON body.
pub struct JsonParseErrors<T> {
    inner: T,
    /// The answer written instead of hyper's: its bytes, how many are
    /// written, and the length of hyper's answer it stands for.
    replacing: Option<(Vec<u8>, usize, usize)>,
}

impl<T> JsonParseErrors<T> {
    pub fn new(inner: T) -> Self {
        JsonParseErrors {
            inner,
            replacing: None,
        }
    }
}

/// Our answer for `written`, when it is hyper's own answer to a request it
/// could not read: a whole head with `connection: close` and no body.
/// The routes never answer 400 or 431 without a body, so nothing of
/// theirs matches.
fn replacement_for(written: &[u8]) -> Option<Vec<u8>> {
    let head = std::str::from_utf8(written).ok()?;
    let (status, code, message) = if head.starts_with("HTTP/1.1 400 ") {
        (
            "400 Bad Request",
            "unreadable_request",
            "The request could not be read: its address or a header holds bytes HTTP does not allow there. Percent-encode them (UTF-8).",
        )
    } else if head.starts_with("HTTP/1.1 431 ") {
        (
            "431 Request Header Fields Too Large",
            "headers_too_large",
            "The request's headers are too large; send fewer or shorter headers (cookies included).",
        )
    } else {
        return None;
    };
    let bare = head.ends_with("\r\n\r\n")
        && head.contains("\r\ncontent-length: 0\r\n")
        && head.contains("\r\nconnection: close\r\n");
    if !bare {
        return None;
    }
    let body = serde_json::to_string(&ErrorBody::new(code, message)).ok()?;
    Some(
        format!(
            "HTTP/1.1 {status}\r\nconnection: close\r\ncontent-type: application/json\r\nx-content-type-options: nosniff\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonParseErrors<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonParseErrors<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.replacing.is_none() {
            this.replacing = replacement_for(buf).map(|bytes| (bytes, 0, buf.len()));
        }
        let Some((bytes, written, stands_for)) = &mut this.replacing else {
            return Pin::new(&mut this.inner).poll_write(cx, buf);
        };
        while *written < bytes.len() {
            match Pin::new(&mut this.inner).poll_write(cx, &bytes[*written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                Poll::Pending => return Poll::Pending,
            }
        }
        let stands_for = *stands_for;
        this.replacing = None;
        Poll::Ready(Ok(stands_for))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypers_bare_answers_get_the_json_body_and_ours_are_left_alone() {
        let hyper_400 = b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\ndate: Mon, 07 Dec 2026 06:07:00 GMT\r\n\r\n";
        let replaced = String::from_utf8(replacement_for(hyper_400).unwrap()).unwrap();
        assert!(replaced.starts_with("HTTP/1.1 400 Bad Request\r\n"));
        assert!(replaced.ends_with(r#""code":"unreadable_request","message":"The request could not be read: its address or a header holds bytes HTTP does not allow there. Percent-encode them (UTF-8)."}}"#));

        let hyper_431 = b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\ndate: Mon, 07 Dec 2026 06:07:00 GMT\r\n\r\n";
        assert!(replacement_for(hyper_431).is_some());

        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 61\r\n\r\n";
        assert!(replacement_for(ours).is_none());
        let ok = b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";
        assert!(replacement_for(ok).is_none());
    }
}
