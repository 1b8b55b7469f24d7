//! Fills a store with a year of an after-sales team's requests, for `scripts/bench-desk.sh`:
//! `cargo run --release -p shouhou-server --example bench_fill -- <db> <requests>`.
//!
//! Requests arrive evenly over the last 365 days across the seven product lines, in Chinese,
//! with names, companies and serial numbers where the line has them; older ones are mostly
//! answered, resolved (often followed up and rated) and closed, recent ones in every status,
//! and a few were never answered. They are written as they stand (`Db::insert_history`),
//! then the store derives what the desk reads by (`Db::rebuild`), as an upgraded store does.
//! The same seed makes the same store.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, FixedOffset, SecondsFormat};
use shouhou_core::desk::Entry;
use shouhou_core::follow_up::CallOutcome;
use shouhou_core::{Category, EntryKind, Intent, Priority, Status, ValidRequest, WarrantyStatus};
use shouhou_server::store::history::PastRequest;
use shouhou_server::store::timeline::blank_entry;
use shouhou_server::store::{self, Db, NewRequest};

const LINES: [(&str, u32); 7] = [
    ("appliance", 25),
    ("property", 18),
    ("network", 15),
    ("inverter", 12),
    ("car-service", 12),
    ("online-order", 10),
    ("bank-terminal", 8),
];

/// Per line: what goes wrong, in the customer's words.
fn problems(line: &str) -> &'static [&'static str] {
    match line {
        "appliance" => &[
            "洗衣机脱水时剧烈晃动",
            "冰箱冷藏室不制冷",
            "空调外机滴水",
            "热水器漏电保护跳闸",
            "洗衣机进水后漏水",
            "空调显示E1故障代码",
            "油烟机噪音很大",
            "电视开机黑屏",
            "微波炉不加热",
            "洗碗机排水不畅",
            "空调制热效果差",
            "冰箱结霜严重",
        ],
        "property" => &[
            "卫生间漏水到楼下",
            "外墙渗水",
            "飘窗进水",
            "楼道灯不亮",
            "电梯停运",
            "门锁坏了",
            "下水道堵塞",
            "厨房水管漏水",
            "屋顶漏水",
            "停车场道闸失灵",
            "小区门禁刷卡无效",
            "阳台地漏反味",
        ],
        "network" => &[
            "交换机光口无法建立连接",
            "无线控制器需要升级固件",
            "苹果手机连不上Wi-Fi",
            "网络经常掉线",
            "路由器频繁重启",
            "VPN隧道断开",
            "无线信号弱",
            "端口灯不亮",
            "DNS解析失败",
            "千兆口只能协商到百兆",
        ],
        "inverter" => &[
            "变频器上电报OC1过流故障",
            "变频器显示OU过压",
            "电机无法启动",
            "变频器风扇异响",
            "运行中报OL过载",
            "面板无显示",
            "输出缺相",
            "编码器反馈异常",
            "制动电阻过热",
            "参数无法保存",
        ],
        "car-service" => &[
            "保养提醒灯亮了",
            "事故维修进度查询",
            "刹车异响",
            "空调不制冷",
            "发动机故障灯亮",
            "轮胎漏气",
            "车辆无法启动",
            "仪表盘报警",
            "雨刮不工作",
            "车门异响",
        ],
        "online-order" => &[
            "收到的衣服尺码不对",
            "快递破损",
            "包裹丢失",
            "生鲜到货已变质",
            "少发了一件",
            "发错颜色",
            "退款还没到账",
            "申请换货",
            "发票没开",
            "物流一直不更新",
        ],
        _ => &[
            "读卡器不读卡",
            "POS充值失败",
            "自助终端网络中断",
            "门禁打不开",
            "吞卡",
            "凭条打印机卡纸",
            "屏幕无响应",
            "存款模块报错",
        ],
    }
}

const WHEN: [&str; 8] = [
    "昨天开始",
    "已经三天了",
    "今天早上",
    "上周开始就这样",
    "刚刚",
    "断断续续一个月",
    "周末出现的",
    "第二次了",
];
const ASK: [&str; 8] = [
    "请尽快安排人员处理",
    "麻烦回电话",
    "希望上门检查",
    "请告知处理进度",
    "很着急，谢谢",
    "之前报修过没修好",
    "上午在家，下午不在",
    "能否远程指导一下",
];
const SURNAMES: [&str; 24] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢",
];
const GIVEN: [&str; 30] = [
    "建国", "娜", "伟", "洋", "静", "帆", "敏", "磊", "芳", "军", "丽", "强", "秀英", "杰", "涛",
    "明", "超", "霞", "平", "刚", "桂英", "鹏", "辉", "玲", "宇", "浩", "婷", "晨", "欣", "凯",
];
const COMPANIES: [&str; 12] = [
    "宏达机械有限公司",
    "华东精工分厂",
    "中国银行城东支行",
    "阳光物业",
    "绿城物业服务中心",
    "顺捷物流",
    "恒信汽车4S店",
    "新港纺织厂",
    "蓝海科技",
    "金桥数控",
    "工商银行滨江支行",
    "万科物业",
];
const AGENTS: [&str; 12] = [
    "li.na",
    "wang.fang",
    "zhang.wei",
    "liu.yang",
    "chen.jing",
    "yang.fan",
    "zhao.min",
    "huang.lei",
    "zhou.min",
    "wu.gang",
    "xu.li",
    "sun.qiang",
];

struct Fill {
    rng: fastrand::Rng,
}

impl Fill {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.usize(..items.len())]
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.rng.u32(..100) < percent
    }

    fn weighted<'a>(&mut self, items: &'a [(&'a str, u32)]) -> &'a str {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.rng.u32(..total);
        for (item, weight) in items {
            if roll < *weight {
                return item;
            }
            roll -= weight;
        }
        items[0].0
    }

    fn request(&mut self, line: &str) -> ValidRequest {
        let intent = match self.rng.u32(..100) {
            0..45 => Intent::Repair,
            45..65 => Intent::Consultation,
            65..80 => Intent::Complaint,
            80..95 => Intent::ReturnExchangeRefund,
            _ => Intent::OnsiteReport,
        };
        let description = format!(
            "{}，{}{}。{}",
            self.pick(&["3号楼2单元", "车间二号线", "营业厅", "家里", "办公室", "门店", "12楼"]),
            self.pick(&WHEN),
            self.pick(problems(line)),
            self.pick(&ASK)
        );
        let mut details = std::collections::BTreeMap::new();
        if matches!(line, "inverter" | "network" | "bank-terminal") || self.chance(20) {
            details.insert("company".into(), (*self.pick(&COMPANIES)).into());
        }
        let prefix = match line {
            "inverter" => Some("INV"),
            "network" => Some("SW"),
            "appliance" => Some("AP"),
            "bank-terminal" => Some("ATM"),
            _ => None,
        };
        if let Some(prefix) = prefix {
            let serial =
                format!("{prefix}-{}-{:05}", 2020 + self.rng.u32(..6), self.rng.u32(..100_000));
            details.insert("serial_number".into(), serial);
        }
        ValidRequest {
            intent,
            product_line: line.into(),
            full_name: format!("{}{}", self.pick(&SURNAMES), self.pick(&GIVEN)),
            phone: format!("+86139{:08}", self.rng.u32(..100_000_000)),
            email: None,
            description,
            category: (intent == Intent::Complaint).then(|| match self.rng.u32(..100) {
                0..40 => Category::Quality,
                40..70 => Category::Service,
                70..88 => Category::Logistics,
                88..99 => Category::General,
                _ => Category::Emergency,
            }),
            priority: Some(match self.rng.u32(..100) {
                0..10 => Priority::Low,
                10..80 => Priority::Normal,
                80..97 => Priority::High,
                _ => Priority::Urgent,
            }),
            troubleshooting: None,
            details,
            warranty: (intent == Intent::Repair).then(|| {
                if self.chance(70) {
                    WarrantyStatus::InWarranty { until: "2027-06-30".into() }
                } else {
                    WarrantyStatus::OutOfWarranty { ended: "2025-03-31".into() }
                }
            }),
            photos: Vec::new(),
            notify: Vec::new(),
            language: None,
        }
    }

    /// A request filed at `filed`, and what happened to it by `now`.
    fn past(
        &mut self,
        key: String,
        filed: DateTime<FixedOffset>,
        now: DateTime<FixedOffset>,
    ) -> PastRequest {
        let line = self.weighted(&LINES).to_string();
        let request = self.request(&line);
        let hours = match request.priority {
            Some(Priority::Urgent) => 2,
            Some(Priority::High) => 8,
            Some(Priority::Low) => 48,
            _ => 24,
        };
        let promised = filed + Duration::hours(hours);
        let age_days = (now - filed).num_days();
        let agent = AGENTS[self.rng.usize(..AGENTS.len())];
        let mut timeline = Vec::new();
        let mut at = filed;
        let mut later = |fill: &mut Fill, min_minutes: i64, max_minutes: i64| {
            at += Duration::minutes(fill.rng.i64(min_minutes..max_minutes));
            at
        };
        let time = |t: DateTime<FixedOffset>| t.to_rfc3339_opts(SecondsFormat::Secs, false);
        let entry = |kind: EntryKind, t: DateTime<FixedOffset>, actor: Option<&str>| {
            blank_entry(kind, actor, &time(t))
        };
        let status_entry = |status: Status, t, actor: Option<&str>| Entry {
            status: Some(status),
            ..entry(EntryKind::Status, t, actor)
        };
        // How far it got: old requests are nearly all done; a few were never taken up.
        let stage = match (age_days, self.rng.u32(..1000)) {
            (d, roll) if d > 14 => match roll {
                0..3 => 0,
                3..15 => 1,
                15..35 => 2,
                35..150 => 3,
                _ => 4,
            },
            (d, roll) if d > 3 => match roll {
                0..50 => 0,
                50..250 => 1,
                250..400 => 2,
                400..700 => 3,
                _ => 4,
            },
            (_, roll) => match roll {
                0..400 => 0,
                400..800 => 1,
                800..900 => 2,
                _ => 3,
            },
        };
        let mut assigned_to = None;
        if stage >= 1 {
            let assigned = later(self, 5, 120);
            timeline.push(Entry {
                to: Some(agent.into()),
                ..entry(EntryKind::Assign, assigned, Some(agent))
            });
            assigned_to = Some(agent.to_string());
            // Most answer well within the promise; some near its end, a few late.
            let within = match self.rng.u32(..100) {
                0..80 => hours * 20,
                80..92 => hours * 60,
                _ => hours * 180,
            };
            let answered = later(self, 5, within.max(10));
            timeline.push(status_entry(Status::InProgress, answered, Some(agent)));
            let mut reply = entry(EntryKind::Reply, later(self, 1, 90), Some(agent));
            reply.text = Some("您好，已收到，工程师会尽快与您联系。".into());
            timeline.push(reply);
            if self.chance(15) {
                let mut note = entry(EntryKind::Note, later(self, 10, 600), Some(agent));
                note.text = Some("已联系客户，备件已下单".into());
                timeline.push(note);
            }
        }
        if stage == 2 {
            timeline.push(status_entry(
                Status::WaitingCustomer,
                later(self, 60, 2880),
                Some(agent),
            ));
        }
        if stage >= 3 {
            let resolved = later(self, 120, 14_400);
            timeline.push(status_entry(Status::Resolved, resolved, Some(agent)));
            if self.chance(70) {
                let mut call = entry(EntryKind::FollowUp, later(self, 1440, 7200), Some(agent));
                call.outcome = Some(CallOutcome::Reached.as_str().into());
                call.satisfaction =
                    Some(if self.chance(85) { 4 + self.rng.u8(..2) } else { 1 + self.rng.u8(..3) });
                timeline.push(call);
            }
            if self.chance(30) {
                let mut rating = entry(EntryKind::Rating, later(self, 60, 4320), None);
                rating.satisfaction = Some(if self.chance(80) { 5 } else { 2 + self.rng.u8(..3) });
                timeline.push(rating);
            }
        }
        if stage == 4 {
            timeline.push(status_entry(Status::Closed, later(self, 1440, 14_400), Some(agent)));
        }
        // What had not happened yet by now did not happen.
        let cut = timeline.iter().position(|e| e.at > time(now)).unwrap_or(timeline.len());
        timeline.truncate(cut);
        let status = timeline.iter().rev().find_map(|e| e.status).unwrap_or(Status::Received);
        let assigned_to = assigned_to.filter(|_| timeline.iter().any(|e| e.to.is_some()));
        PastRequest {
            new: NewRequest {
                submitted_json: key.clone(),
                idempotency_key: key,
                request,
                photos: Vec::new(),
                now: filed,
                reply_by: promised,
                filed_by: None,
            },
            status,
            assigned_to,
            reply_by: None,
            timeline,
        }
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(db), Some(count)) = (args.get(1), args.get(2).and_then(|n| n.parse::<u64>().ok()))
    else {
        eprintln!("usage: bench_fill <db: a SQLite file or postgres:// URL> <requests>");
        std::process::exit(2);
    };
    let store = Db::open(db).await.unwrap_or_else(|e| panic!("cannot open {db}: {e}"));
    let now = store::now();
    let year = Duration::days(365).num_seconds();
    let mut fill = Fill { rng: fastrand::Rng::with_seed(20_261_206) };
    // References drawn in sequence: unique however many, as random ones would not be.
    let drawn = Arc::new(AtomicU64::new(0));
    let draw = {
        let drawn = Arc::clone(&drawn);
        Arc::new(move || {
            let n = drawn.fetch_add(1, Ordering::Relaxed);
            std::array::from_fn(|i| ((n >> (5 * (5 - i))) & 31) as u8)
        })
    };
    let started = Instant::now();
    let batch = 5000;
    let mut written = 0;
    while written < count {
        let past: Vec<PastRequest> = (written..(written + batch).min(count))
            .map(|i| {
                let offset = year - (year * i as i64) / count as i64 - fill.rng.i64(0..600);
                fill.past(format!("bench-{i}"), now - Duration::seconds(offset.max(60)), now)
            })
            .collect();
        written += past.len() as u64;
        store.insert_history(past, draw.clone()).await.expect("the history is written");
        if written % 100_000 == 0 || written == count {
            eprintln!("bench_fill: {written} requests written in {:.0?}", started.elapsed());
        }
    }
    let rebuilt = Instant::now();
    store.rebuild().await.expect("the store rebuilds");
    // What a server's indexer of words does when creates pause, before the desk is timed.
    store.index_words_now().await.expect("the words are indexed");
    if shouhou_server::store::is_url(db) {
        // What autovacuum does in time: the planner's statistics, and the map of pages all of
        // whose rows every transaction sees (index-only scans read nothing else).
        let (client, connection) =
            tokio_postgres::connect(db, tokio_postgres::NoTls).await.expect("PostgreSQL answers");
        tokio::spawn(connection);
        client.batch_execute("VACUUM ANALYZE").await.expect("VACUUM ANALYZE runs");
    }
    eprintln!(
        "bench_fill: {count} requests in {:.0?} (written {:.0?}, derived {:.0?})",
        started.elapsed(),
        rebuilt - started,
        rebuilt.elapsed()
    );
}
