//! Reading JSON into the desk's types with only the code that JSON needs: a struct on the wire
//! is always an object, so every struct is read as a map ([`Maps`] turns serde's
//! `deserialize_struct` into `deserialize_map`). serde_json reads a struct from an array too,
//! and serde's derive answers both, so without this every struct the desk reads brought a
//! second, never used decoder (its fields in order, from `[…]`) into the download.

use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

/// A text read as `T`, every struct in it from an object. For an app that reads all its
/// JSON this way (the desk): one that also reads a type with serde_json's own reader (the
/// customer app's drafts and flows) would carry both.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    let mut json = serde_json::Deserializer::from_str(text);
    T::deserialize(Maps(&mut json)).and_then(|value| json.end().map(|()| value))
}

/// A deserializer, a visitor, or what they hand each other, that reads every struct inside
/// it as a map. Wrapped all the way down, so a struct in a list in an option is read so too.
pub struct Maps<T>(pub T);

/// A value whose visitor never sees another deserializer (a number, a text, a name): as it is.
macro_rules! as_is {
    ($($method:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(visitor)
        }
    )*};
}

/// A value whose visitor may be handed a deserializer or an access: its visitor wrapped.
macro_rules! wrapped {
    ($($method:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(Maps(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Maps<D> {
    type Error = D::Error;

    as_is!(
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_unit,
        deserialize_identifier,
        deserialize_ignored_any
    );
    wrapped!(deserialize_any, deserialize_option, deserialize_seq, deserialize_map);

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Maps(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Maps(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Maps(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(Maps(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Maps(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// A visit that brings nothing to read further: passed on as it is.
macro_rules! visit {
    ($($method:ident($type:ty)),*) => {$(
        fn $method<E: serde::de::Error>(self, value: $type) -> Result<V::Value, E> {
            self.0.$method(value)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Maps<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        self.0.expecting(formatter)
    }

    visit!(
        visit_bool(bool),
        visit_i8(i8),
        visit_i16(i16),
        visit_i32(i32),
        visit_i64(i64),
        visit_i128(i128),
        visit_u8(u8),
        visit_u16(u16),
        visit_u32(u32),
        visit_u64(u64),
        visit_u128(u128),
        visit_f32(f32),
        visit_f64(f64),
        visit_char(char),
        visit_str(&str),
        visit_borrowed_str(&'de str),
        visit_string(String),
        visit_bytes(&[u8]),
        visit_borrowed_bytes(&'de [u8]),
        visit_byte_buf(Vec<u8>)
    );

    fn visit_none<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(Maps(deserializer))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(Maps(deserializer))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(Maps(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Maps(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(Maps(data))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Maps<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Maps(deserializer))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Maps<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Maps(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Maps<A> {
    type Error = A::Error;

    // A key is a name or a text: read as it is.
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Maps(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Maps<A> {
    type Error = A::Error;
    type Variant = Maps<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Maps<A::Variant>), A::Error> {
        self.0.variant_seed(seed).map(|(value, variant)| (value, Maps(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Maps<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Maps(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Maps(visitor))
    }

    // A struct variant's fields are an object too (`{"variant": {…}}`): read as a map.
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.newtype_variant_seed(Object(visitor))
    }
}

/// A struct variant's fields, read as a map.
struct Object<V>(V);

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for Object<V> {
    type Value = V::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        deserializer.deserialize_map(Maps(self.0))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::de::DeserializeOwned;
    use serde::Deserialize;
    use shouhou_core::{FieldError, WarrantyStatus};

    use super::from_str as read_json;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Unit {
        serial: String,
        #[serde(default)]
        months: Option<u32>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    enum Heard {
        Changed { reference: String },
        Ping,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Strict {
        id: u8,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Answer {
        unit: Unit,
        units: Vec<Unit>,
        kept: Option<Unit>,
        warranty: Vec<WarrantyStatus>,
        heard: Vec<Heard>,
        errors: Vec<FieldError>,
        counts: BTreeMap<String, i64>,
        rate: Option<f64>,
        pair: (String, bool),
    }

    /// What serde_json reads the text as, and that reading it with `Maps` gives the same.
    fn same<T: DeserializeOwned + PartialEq + std::fmt::Debug>(text: &str) -> T {
        let plain: T = serde_json::from_str(text).unwrap();
        assert_eq!(read_json::<T>(text).unwrap(), plain);
        plain
    }

    #[test]
    fn structs_at_every_depth_read_as_serde_json_reads_them() {
        let answer: Answer = same(
            r#"{"unit":{"serial":"A1","months":12,"extra":[1,{"x":null}]},
                "units":[{"serial":"B2"},{"serial":"C3","months":null}],
                "kept":{"serial":"D4"},
                "warranty":[{"in_warranty":{"until":"2027-01-31"}},{"to_be_checked":{"serial_number":"S"}}],
                "heard":[{"kind":"changed","reference":"SR-1"},{"kind":"ping"}],
                "errors":[{"field":"phone","code":"required"}],
                "counts":{"inverter":3,"network":0},
                "rate":0.5,
                "pair":["x",true]}"#,
        );
        assert_eq!(answer.units[1], Unit { serial: "C3".into(), months: None });
        assert_eq!(answer.heard[0], Heard::Changed { reference: "SR-1".into() });
        assert_eq!(answer.counts["inverter"], 3);
        let nothing_kept: Option<Unit> = same("null");
        assert_eq!(nothing_kept, None);
    }

    #[test]
    fn what_serde_json_refuses_is_refused() {
        for text in [r#"{"id":1,"other":2}"#, r#"{"id":1} x"#, r#"{"id":"1"}"#, "{}", r#"{"id":1"#]
        {
            assert!(serde_json::from_str::<Strict>(text).is_err(), "{text}");
            assert!(read_json::<Strict>(text).is_err(), "{text}");
        }
    }

    #[test]
    fn a_struct_is_an_object_never_an_array() {
        // serde_json would take the fields in order from an array; no server answer is one.
        assert!(serde_json::from_str::<Strict>("[1]").is_ok());
        assert!(read_json::<Strict>("[1]").is_err());
    }
}
