// Package lvcchong translates the lvcchong (驴充充) charging open API to
// parkd's core. So far it holds the vendor's price standard (消费标准, the
// document getPriceStandard returns): decoding, validation with errors in
// the vendor's field names, and conversion to and from the charging model
// the tariff engine prices (tariff.ChargeStandard). The routes come with the
// charging issue. docs/charging-tariffs.md describes the document.
package lvcchong
