//! A TCP proxy that puts a network round trip between the servers and
//! Postgres: every byte is passed on half the round trip after it was
//! read, in each direction, as a database in the same zone but on another
//! machine would answer. Threads and the system's sleep, not the async
//! runtime's timer, whose millisecond steps would round 0.25 ms up to 1 ms.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Bytes read at once; Postgres' messages in this bench are far smaller.
const CHUNK: usize = 64 * 1024;

/// Starts the proxy in front of `upstream` (host:port) with `round_trip`
/// added to each exchange; returns the address to connect to instead.
pub fn start(upstream: String, round_trip: Duration) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let address = listener.local_addr()?.to_string();
    let one_way = round_trip / 2;
    thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(&upstream) else {
                let _ = client.shutdown(Shutdown::Both);
                continue;
            };
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            if let (Ok(client_in), Ok(server_in)) = (client.try_clone(), server.try_clone()) {
                pass_on(client_in, server, one_way);
                pass_on(server_in, client, one_way);
            }
        }
    });
    Ok(address)
}

/// Copies `from` into `to`, each chunk `delay` after it was read, in order.
fn pass_on(mut from: TcpStream, mut to: TcpStream, delay: Duration) {
    let (chunks, due) = mpsc::channel::<(Instant, Vec<u8>)>();
    thread::spawn(move || {
        let mut buffer = vec![0; CHUNK];
        loop {
            match from.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if chunks
                        .send((Instant::now() + delay, buffer[..n].to_vec()))
                        .is_err()
                    {
                        break;
                    }
                }
            }
        }
    });
    thread::spawn(move || {
        for (at, bytes) in due {
            let wait = at.saturating_duration_since(Instant::now());
            if !wait.is_zero() {
                thread::sleep(wait);
            }
            if to.write_all(&bytes).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}
