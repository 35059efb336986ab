package web

import (
	"testing"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// TestChargingRefusalHints: charging rules the core refuses are explained
// in the operator's language, with their numbers, as a tariff's are; the
// English page keeps the core's message.
func TestChargingRefusalHints(t *testing.T) {
	seg := func(from, to string) park.ChargeSegment {
		return park.ChargeSegment{From: from, To: to, Price: 100, BlockMinutes: 60}
	}
	rules := func(segs ...park.ChargeSegment) park.ChargeRules {
		return park.ChargeRules{Kind: "time", Payment: "balance", RefundTo: "balance", Segments: segs}
	}
	gap := rules(seg("00:00", "08:00"), seg("09:00", "24:00"))
	full := rules(seg("00:00", "24:00"))
	full.FullPrice = 100
	periods := rules(seg("00:00", "12:00"), seg("12:00", "24:00"))
	periods.Segments[0].Period = "peak"
	energy := rules(seg("00:00", "24:00"))
	energy.Kind = "energy"
	weight := rules(seg("00:00", "24:00"))
	weight.Kind = "weight"
	for _, c := range []struct {
		name       string
		rules      park.ChargeRules
		lang, hint string
	}{
		{"Gap", gap, "zh", "08:00 至 09:00 未被覆盖"},
		{"Gap", gap, "pt", "de 08:00 a 09:00 não está coberto"},
		{"FullPrice", full, "zh", "需要同时设置 stop_when_full"},
		{"FullPrice", full, "pt", "requer também stop_when_full"},
		{"Periods", periods, "zh", "所有分段都须标注峰平谷时段，或都不标注"},
		{"Periods", periods, "pt", "indique o período em todos os segmentos ou em nenhum"},
		{"BlockOfEnergy", energy, "zh", "不适用于此类计费标准"},
		{"BlockOfEnergy", energy, "pt", "não se aplica a este tipo de tarifa"},
		// A name the rules do not take: worded for any document, not
		// only a tariff.
		{"UnknownKind", weight, "zh", "不是本文档可用的名称或取值"},
		{"UnknownKind", weight, "pt", "nome ou valor que este documento não aceita"},
	} {
		t.Run(c.name+"/"+c.lang, func(t *testing.T) {
			_, err := charging.Standard(c.rules)
			if err == nil {
				t.Fatal("accepted")
			}
			if got := describe(c.lang, err); got.Status != 400 || got.Hint != c.hint {
				t.Fatalf("%+v, want 400 with hint %q", got, c.hint)
			}
			if got := describe("en", err); got.Message != err.Error() {
				t.Fatalf("English %q, want the core's %q", got.Message, err.Error())
			}
		})
	}
}
