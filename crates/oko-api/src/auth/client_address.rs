//! The address a login attempt comes from. Behind a reverse proxy every request's
//! TCP peer is the proxy, so the per-address back-off would hold all schools
//! together; `X-Forwarded-For` names the client, but anyone can send that header,
//! so it is believed only from the proxies listed in `OKO_TRUSTED_PROXIES`.

use std::net::{IpAddr, Ipv4Addr};

use actix_web::HttpRequest;

/// The client's address: the TCP peer, or — when the peer is a trusted proxy —
/// the nearest address in `X-Forwarded-For` that is not itself a trusted proxy
/// (read from the right: the left part is whatever the client claimed).
pub fn client_address(req: &HttpRequest, trusted_proxies: &[IpAddr]) -> IpAddr {
    let peer = req
        .peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map_while(|part| part.trim().parse().ok())
        .collect();
    forwarded
        .into_iter()
        .rev()
        .find(|address| !trusted_proxies.contains(address))
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn from(peer: &str, forwarded: Option<&str>) -> HttpRequest {
        let mut req = TestRequest::default().peer_addr(format!("{peer}:40000").parse().unwrap());
        if let Some(header) = forwarded {
            req = req.insert_header(("X-Forwarded-For", header));
        }
        req.to_http_request()
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let school = "203.0.113.7".parse::<IpAddr>().unwrap();
        assert_eq!(
            client_address(
                &from("10.0.0.1", Some("198.51.100.1, 203.0.113.7")),
                &[proxy]
            ),
            school,
            "the address the proxy saw, not the one the client claimed"
        );
        assert_eq!(
            client_address(&from("203.0.113.9", Some("198.51.100.1")), &[proxy]),
            "203.0.113.9".parse::<IpAddr>().unwrap(),
            "a client's own header is ignored"
        );
        assert_eq!(
            client_address(&from("10.0.0.1", None), &[proxy]),
            proxy,
            "no header: the proxy itself"
        );
        assert_eq!(
            client_address(&from("10.0.0.1", Some("203.0.113.7")), &[]),
            proxy,
            "no trusted proxies configured"
        );
    }
}
