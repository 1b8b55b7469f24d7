//! Team alerts to group chats through the robots after-sales teams in China use, each in
//! its own webhook format: 企业微信 (WeCom), 钉钉 (DingTalk) and 飞书 (Feishu) custom robots.
//! Each takes a text message as JSON on its webhook address; DingTalk and Feishu may also
//! require a signature (加签) made with the robot's secret, which the server computes with
//! HMAC-SHA256 from what [`Robot::signing`] says to sign.

use serde_json::{json, Value};

use super::Channel;

/// A group robot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Robot {
    WeCom,
    DingTalk,
    Feishu,
}

/// What to sign for a robot with a secret: HMAC-SHA256 with `key` over `message`, Base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signing {
    pub key: String,
    pub message: String,
    /// The timestamp sent with the signature, as the robot wants it.
    pub timestamp: String,
}

impl Robot {
    pub const ALL: [Robot; 3] = [Robot::WeCom, Robot::DingTalk, Robot::Feishu];

    pub fn channel(self) -> Channel {
        match self {
            Robot::WeCom => Channel::WeCom,
            Robot::DingTalk => Channel::DingTalk,
            Robot::Feishu => Channel::Feishu,
        }
    }

    pub fn of(channel: Channel) -> Option<Robot> {
        Robot::ALL.into_iter().find(|robot| robot.channel() == channel)
    }

    /// What to sign at `now_ms` with the robot's `secret` (none for WeCom, whose key is in
    /// its address): DingTalk signs `timestamp\nsecret` (milliseconds) with the secret;
    /// Feishu signs nothing with `timestamp\nsecret` (seconds) as the key.
    pub fn signing(self, secret: &str, now_ms: i64) -> Option<Signing> {
        match self {
            Robot::WeCom => None,
            Robot::DingTalk => Some(Signing {
                key: secret.to_string(),
                message: format!("{now_ms}\n{secret}"),
                timestamp: now_ms.to_string(),
            }),
            Robot::Feishu => {
                let seconds = now_ms.div_euclid(1000);
                Some(Signing {
                    key: format!("{seconds}\n{secret}"),
                    message: String::new(),
                    timestamp: seconds.to_string(),
                })
            }
        }
    }

    /// The JSON body of a text message; `signed` is the timestamp and Base64 signature,
    /// which Feishu reads from the body (DingTalk from the address: [`Robot::address`]).
    pub fn body(self, text: &str, signed: Option<(&str, &str)>) -> Value {
        match self {
            Robot::WeCom | Robot::DingTalk => json!({"msgtype": "text", "text": {"content": text}}),
            Robot::Feishu => {
                let mut body = json!({"msg_type": "text", "content": {"text": text}});
                if let Some((timestamp, sign)) = signed {
                    body["timestamp"] = json!(timestamp);
                    body["sign"] = json!(sign);
                }
                body
            }
        }
    }

    /// The address to post to: the webhook, with DingTalk's signature in its query.
    pub fn address(self, webhook: &str, signed: Option<(&str, &str)>) -> String {
        match (self, signed) {
            (Robot::DingTalk, Some((timestamp, sign))) => {
                let join = if webhook.contains('?') { '&' } else { '?' };
                format!("{webhook}{join}timestamp={timestamp}&sign={}", escape_base64(sign))
            }
            _ => webhook.to_string(),
        }
    }

    /// Whether the robot took the message: every one answers HTTP 200 and a JSON code, 0
    /// for success (WeCom and DingTalk `errcode`, Feishu `code`, older Feishu `StatusCode`);
    /// otherwise the reason, and whether trying again could help.
    pub fn accepted(self, status: u16, body: &str) -> Result<(), Refusal> {
        if status != 200 {
            // Throttled (DingTalk allows 20 a minute) or down: later may work.
            let transient = status == 429 || status >= 500;
            return Err(Refusal { reason: format!("HTTP {status}: {}", clip(body)), transient });
        }
        let answer: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let code = ["errcode", "code", "StatusCode"].iter().find_map(|key| answer[key].as_i64());
        match code {
            Some(0) => Ok(()),
            // DingTalk's and WeCom's "too many messages this minute".
            Some(code @ (130101 | 45009 | 660026)) => Err(Refusal {
                reason: format!("throttled ({code}): {}", clip(body)),
                transient: true,
            }),
            _ => Err(Refusal { reason: format!("refused: {}", clip(body)), transient: false }),
        }
    }
}

/// Why a gateway or robot refused a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub reason: String,
    /// Trying again later may work (throttled, a server error); otherwise it is final.
    pub transient: bool,
}

/// The start of a body, for a reason a person reads.
pub fn clip(body: &str) -> String {
    body.chars().take(200).collect()
}

/// Base64's `+`, `/` and `=` escaped for a query string.
fn escape_base64(sign: &str) -> String {
    sign.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_robot_gets_its_own_format() {
        assert_eq!(
            Robot::WeCom.body("新的紧急服务单", None),
            json!({"msgtype": "text", "text": {"content": "新的紧急服务单"}})
        );
        assert_eq!(
            Robot::DingTalk.body("x", Some(("1", "s"))),
            json!({"msgtype": "text", "text": {"content": "x"}}),
            "DingTalk's signature is in the address"
        );
        assert_eq!(
            Robot::Feishu.body("x", Some(("1700000000", "c2lnbg=="))),
            json!({"msg_type": "text", "content": {"text": "x"}, "timestamp": "1700000000", "sign": "c2lnbg=="})
        );
        assert_eq!(
            Robot::DingTalk.address("https://oapi.dingtalk.com/robot/send?access_token=t", Some(("1700000000123", "a+b/c="))),
            "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000123&sign=a%2Bb%2Fc%3D"
        );
        assert_eq!(
            Robot::WeCom.address("https://q/send?key=k", Some(("1", "s"))),
            "https://q/send?key=k"
        );
    }

    #[test]
    fn signatures_follow_each_robots_rule() {
        assert_eq!(Robot::WeCom.signing("s", 1_700_000_000_123), None);
        let ding = Robot::DingTalk.signing("SEC1", 1_700_000_000_123).unwrap();
        assert_eq!((ding.key.as_str(), ding.message.as_str()), ("SEC1", "1700000000123\nSEC1"));
        let feishu = Robot::Feishu.signing("SEC2", 1_700_000_000_123).unwrap();
        assert_eq!(
            (feishu.key.as_str(), feishu.message.as_str(), feishu.timestamp.as_str()),
            ("1700000000\nSEC2", "", "1700000000")
        );
    }

    #[test]
    fn a_robots_answer_says_whether_it_took_the_message() {
        assert_eq!(Robot::WeCom.accepted(200, r#"{"errcode":0,"errmsg":"ok"}"#), Ok(()));
        assert_eq!(Robot::Feishu.accepted(200, r#"{"code":0,"msg":"success"}"#), Ok(()));
        assert_eq!(Robot::Feishu.accepted(200, r#"{"StatusCode":0}"#), Ok(()));
        let bad_key =
            Robot::WeCom.accepted(200, r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#);
        assert!(!bad_key.unwrap_err().transient);
        assert!(
            Robot::DingTalk
                .accepted(200, r#"{"errcode":130101,"errmsg":"send too fast"}"#)
                .unwrap_err()
                .transient
        );
        assert!(Robot::Feishu.accepted(503, "").unwrap_err().transient);
        assert!(!Robot::Feishu.accepted(404, "").unwrap_err().transient);
        assert!(Robot::WeCom.accepted(200, "<html>").is_err());
        for robot in Robot::ALL {
            assert_eq!(Robot::of(robot.channel()), Some(robot));
        }
        assert_eq!(Robot::of(Channel::Email), None);
    }
}
