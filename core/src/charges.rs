//! Out-of-warranty charges by region (工本费、上门费): a price table per product line and
//! province in `config.json` (`charges`), and the province read from the customer's address,
//! so the chargeable notice says what a visit costs where the customer is.
//!
//! Prices are whole yuan: a service price list is written so, and whole numbers keep float
//! parsing out of the app.

use serde::{Deserialize, Serialize};

/// One price table: for one product line in the provinces it names, or, naming none, in
/// every province no other table of the line names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChargeTable {
    pub product_line: String,
    /// Province ids ([`PROVINCES`]); empty for the line's prices everywhere else.
    #[serde(default)]
    pub provinces: Vec<String>,
    /// 上门费, yuan.
    pub call_out: u32,
    /// 人工费 per visit, yuan.
    pub labour: u32,
    /// Common parts' prices (ids from the configuration's `parts`).
    #[serde(default)]
    pub parts: Vec<PartPrice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartPrice {
    pub part: String,
    /// Yuan.
    pub price: u32,
}

/// A provincial-level division (省级行政区): its id in the configuration, its short Chinese
/// name as addresses begin with it, and its English name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Province {
    pub id: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

macro_rules! provinces {
    ($($id:literal $zh:literal $en:literal,)*) => {
        /// All 34, in the national standard's order (GB/T 2260).
        pub const PROVINCES: &[Province] = &[$(Province { id: $id, zh: $zh, en: $en },)*];
    };
}

provinces! {
    "beijing" "北京" "Beijing",
    "tianjin" "天津" "Tianjin",
    "hebei" "河北" "Hebei",
    "shanxi" "山西" "Shanxi",
    "inner-mongolia" "内蒙古" "Inner Mongolia",
    "liaoning" "辽宁" "Liaoning",
    "jilin" "吉林" "Jilin",
    "heilongjiang" "黑龙江" "Heilongjiang",
    "shanghai" "上海" "Shanghai",
    "jiangsu" "江苏" "Jiangsu",
    "zhejiang" "浙江" "Zhejiang",
    "anhui" "安徽" "Anhui",
    "fujian" "福建" "Fujian",
    "jiangxi" "江西" "Jiangxi",
    "shandong" "山东" "Shandong",
    "henan" "河南" "Henan",
    "hubei" "湖北" "Hubei",
    "hunan" "湖南" "Hunan",
    "guangdong" "广东" "Guangdong",
    "guangxi" "广西" "Guangxi",
    "hainan" "海南" "Hainan",
    "chongqing" "重庆" "Chongqing",
    "sichuan" "四川" "Sichuan",
    "guizhou" "贵州" "Guizhou",
    "yunnan" "云南" "Yunnan",
    "tibet" "西藏" "Tibet",
    "shaanxi" "陕西" "Shaanxi",
    "gansu" "甘肃" "Gansu",
    "qinghai" "青海" "Qinghai",
    "ningxia" "宁夏" "Ningxia",
    "xinjiang" "新疆" "Xinjiang",
    "hong-kong" "香港" "Hong Kong",
    "macau" "澳门" "Macau",
    "taiwan" "台湾" "Taiwan",
}

/// Cities an address often begins with, the province left out (深圳市南山区…): the
/// provincial capitals and the largest cities besides them.
const CITIES: &[(&str, &str)] = &[
    ("石家庄", "hebei"),
    ("太原", "shanxi"),
    ("呼和浩特", "inner-mongolia"),
    ("沈阳", "liaoning"),
    ("大连", "liaoning"),
    ("长春", "jilin"),
    ("哈尔滨", "heilongjiang"),
    ("南京", "jiangsu"),
    ("苏州", "jiangsu"),
    ("无锡", "jiangsu"),
    ("杭州", "zhejiang"),
    ("宁波", "zhejiang"),
    ("合肥", "anhui"),
    ("福州", "fujian"),
    ("厦门", "fujian"),
    ("南昌", "jiangxi"),
    ("济南", "shandong"),
    ("青岛", "shandong"),
    ("郑州", "henan"),
    ("武汉", "hubei"),
    ("长沙", "hunan"),
    ("广州", "guangdong"),
    ("深圳", "guangdong"),
    ("东莞", "guangdong"),
    ("佛山", "guangdong"),
    ("南宁", "guangxi"),
    ("海口", "hainan"),
    ("三亚", "hainan"),
    ("成都", "sichuan"),
    ("贵阳", "guizhou"),
    ("昆明", "yunnan"),
    ("拉萨", "tibet"),
    ("西安", "shaanxi"),
    ("兰州", "gansu"),
    ("西宁", "qinghai"),
    ("银川", "ningxia"),
    ("乌鲁木齐", "xinjiang"),
];

pub fn province(id: &str) -> Option<&'static Province> {
    PROVINCES.iter().find(|p| p.id == id)
}

/// The province an address is in, as people write one: beginning with the province (广东省…,
/// 北京市…, 内蒙古自治区…) or its largest city (深圳市…), after an optional 中国; in English,
/// naming the province among its words (…, Shenzhen, Guangdong). `None` when it says neither.
pub fn province_of(address: &str) -> Option<&'static Province> {
    let text = address.trim();
    let text =
        text.strip_prefix("中华人民共和国").or_else(|| text.strip_prefix("中国")).unwrap_or(text);
    let text = text.trim_start();
    if let Some(found) = PROVINCES.iter().find(|p| text.starts_with(p.zh)) {
        return Some(found);
    }
    if let Some((_, id)) = CITIES.iter().find(|(city, _)| text.starts_with(city)) {
        return province(id);
    }
    // Written in English: its words, lower case, matched as whole words.
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    PROVINCES.iter().find(|p| {
        let name: Vec<String> = p.en.split(' ').map(str::to_ascii_lowercase).collect();
        words.windows(name.len()).any(|window| window == name.as_slice())
    })
}

/// The prices that apply to a line in a province: the line's table naming the province, else
/// its table naming none; `None` when the configuration has neither.
pub fn table_for<'a>(
    tables: &'a [ChargeTable],
    product_line: &str,
    province: Option<&Province>,
) -> Option<&'a ChargeTable> {
    let of_line = || tables.iter().filter(move |t| t.product_line == product_line);
    province
        .and_then(|p| of_line().find(|t| t.provinces.iter().any(|id| id == p.id)))
        .or_else(|| of_line().find(|t| t.provinces.is_empty()))
}

/// What is wrong with the tables, given the configuration's line and part ids.
pub fn problem(tables: &[ChargeTable], lines: &[&str], parts: &[&str]) -> Option<String> {
    for (i, table) in tables.iter().enumerate() {
        let line = &table.product_line;
        if !lines.contains(&line.as_str()) {
            return Some(format!("charges: product line {line:?} is not configured"));
        }
        if let Some(unknown) = table.provinces.iter().find(|id| province(id).is_none()) {
            return Some(format!("charges: {unknown:?} is not a province id"));
        }
        if let Some(part) = table.parts.iter().find(|p| !parts.contains(&p.part.as_str())) {
            return Some(format!("charges: part {:?} is not in parts", part.part));
        }
        let clash = tables[..i].iter().filter(|t| &t.product_line == line).any(|earlier| {
            (earlier.provinces.is_empty() && table.provinces.is_empty())
                || earlier.provinces.iter().any(|p| table.provinces.contains(p))
        });
        if clash {
            return Some(format!(
                "charges: two tables of {line:?} for one province, or two for everywhere else"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(address: &str) -> Option<&'static str> {
        province_of(address).map(|p| p.id)
    }

    #[test]
    fn the_province_is_read_from_the_address_as_people_write_it() {
        assert_eq!(id("广东省深圳市南山区科技园"), Some("guangdong"));
        assert_eq!(id("  中国 北京市朝阳区建国路 88 号"), Some("beijing"));
        assert_eq!(id("内蒙古自治区呼和浩特市"), Some("inner-mongolia"));
        assert_eq!(id("深圳市福田区"), Some("guangdong"), "a city without its province");
        assert_eq!(id("陕西省西安市"), Some("shaanxi"));
        assert_eq!(id("山西省太原市"), Some("shanxi"));
        assert_eq!(id("88 Jianguo Road, Chaoyang, Beijing"), Some("beijing"));
        assert_eq!(id("12 Keji Rd, Xi'an, Shaanxi"), Some("shaanxi"));
        assert_eq!(id("Hohhot, Inner Mongolia"), Some("inner-mongolia"));
        assert_eq!(id("朝阳区建国路"), None);
        assert_eq!(id(""), None);
        assert_eq!(PROVINCES.len(), 34);
        assert!(CITIES.iter().all(|(_, p)| province(p).is_some()));
    }

    fn table(line: &str, provinces: &[&str], call_out: u32) -> ChargeTable {
        ChargeTable {
            product_line: line.into(),
            provinces: provinces.iter().map(|p| p.to_string()).collect(),
            call_out,
            labour: 100,
            parts: vec![],
        }
    }

    #[test]
    fn a_province_s_own_table_comes_before_the_line_s_default() {
        let tables =
            [table("appliance", &[], 50), table("appliance", &["beijing", "shanghai"], 80)];
        let price = |address: &str, line: &str| {
            table_for(&tables, line, province_of(address)).map(|t| t.call_out)
        };
        assert_eq!(price("北京市海淀区", "appliance"), Some(80));
        assert_eq!(price("四川省成都市", "appliance"), Some(50));
        assert_eq!(price("不知道在哪", "appliance"), Some(50));
        assert_eq!(price("北京市海淀区", "inverter"), None);
        assert_eq!(problem(&tables, &["appliance"], &[]), None);
        let twice = [table("appliance", &["beijing"], 1), table("appliance", &["beijing"], 2)];
        assert!(problem(&twice, &["appliance"], &[]).is_some());
        assert!(problem(&[table("appliance", &["atlantis"], 1)], &["appliance"], &[]).is_some());
        assert!(problem(&tables, &["inverter"], &[]).is_some());
    }
}
