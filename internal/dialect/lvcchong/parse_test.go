package lvcchong

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// vendorTime is a clock time in the vendor's encoding.
func vendorTime(h, m, sec int) int64 { return int64((h*60+m)*60+sec)*1000 - utc8Ms }

// editSeed returns the seed standard with change applied to its JSON
// object and the object's segments.
func editSeed(t *testing.T, change func(m map[string]any, segs []any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(seedDoc(t), &m); err != nil {
		t.Fatal(err)
	}
	change(m, m["priceStandardTbody"].([]any))
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// seg is a row of priceStandardTbody from "hh:mm[:ss]" clock times.
func seg(start, end string, extra map[string]any) map[string]any {
	clock := func(s string) int64 {
		var h, m, sec int
		if len(s) == 8 {
			sec = int(s[6]-'0')*10 + int(s[7]-'0')
		}
		h = int(s[0]-'0')*10 + int(s[1]-'0')
		m = int(s[3]-'0')*10 + int(s[4]-'0')
		return vendorTime(h, m, sec)
	}
	g := map[string]any{
		"endTime": clock(end), "id": 0, "price": 100, "priceStandardId": 0, "priceUnit": "yuan",
		"priceYuan": 1, "startTime": clock(start), "time": 60, "timeUnit": "min",
	}
	for k, v := range extra {
		g[k] = v
	}
	return g
}

func TestParsePriceStandard(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		for _, doc := range [][]byte{
			seedDoc(t),
			// Two segments crossing midnight, vendor-style inclusive ends.
			editSeed(t, func(m map[string]any, _ []any) {
				m["priceStandardTbody"] = []any{seg("08:00", "21:59:59", nil), seg("22:00", "07:59:59", nil)}
			}),
			// Exclusive ends and an end at 24:00.
			editSeed(t, func(m map[string]any, _ []any) {
				m["priceStandardTbody"] = []any{seg("00:00", "12:00", nil), seg("12:00", "24:00", nil)}
			}),
			// Power segments in any order, the top one open-ended.
			editSeed(t, func(m map[string]any, _ []any) {
				m["type"] = 1
				m["priceStandardTbody"] = []any{
					seg("00:00", "23:59:59", map[string]any{"minPower": 200, "maxPower": 400}),
					seg("00:00", "23:59:59", map[string]any{"maxPower": 200}),
					seg("00:00", "23:59:59", map[string]any{"minPower": 400}),
				}
			}),
		} {
			if _, err := ParsePriceStandard(doc); err != nil {
				t.Errorf("%s: %v", doc, err)
			}
		}
	})

	for _, c := range []struct {
		name  string
		field string // the field the error must name
		doc   func(t *testing.T) []byte
	}{
		{"Empty", "", func(*testing.T) []byte { return nil }},
		{"NotJSON", "", func(*testing.T) []byte { return []byte("{") }},
		{"Trailing", "", func(t *testing.T) []byte { return append(seedDoc(t), "{}"...) }},
		{"UnknownField", "colour", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) { m["colour"] = "red" })
		}},
		{"WrongJSONType", "maxTime", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) { m["maxTime"] = "960" })
		}},
		{"FractionalPrice", "priceStandardTbody[0].price", func(t *testing.T) []byte {
			return editSeed(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["price"] = 1.5 })
		}},
		// A key given twice, in any case, would be read as its last value
		// by one reader and its first by another: 1 fen or 1 yuan.
		{"RepeatedKey", "priceStandardTbody.price", func(t *testing.T) []byte {
			return []byte(strings.Replace(string(seedDoc(t)), `"price": 100,`, `"price": 100, "Price": 1,`, 1))
		}},
		{"RepeatedTopKey", "maxTime", func(t *testing.T) []byte {
			return []byte(strings.Replace(string(seedDoc(t)), `"maxTime": 960,`, `"maxTime": 960, "maxTime": 0,`, 1))
		}},
		{"TypeNot012", "type", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) { m["type"] = 3 })
		}},
		{"ChargeType", "chargeType", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) { m["chargeType"] = 2 })
		}},
		{"PowerType", "powerType", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) { m["powerType"] = -1 })
		}},
		{"ViewType", "viewType", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) { m["viewType"] = 0 })
		}},
		{"NegativeMinimum", "minimumMoney", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) { m["minimumMoney"] = -1 })
		}},
		{"FullWithoutPrice", "fullPrice", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) { m["fullBlackout"] = 2 })
		}},
		{"NegativeMaxTime", "maxTime", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) { m["maxTime"] = -5 })
		}},
		{"NoName", "name", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) { m["name"] = "" })
		}},
		{"NoSegments", "priceStandardTbody", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) { m["priceStandardTbody"] = []any{} })
		}},
		{"NegativePrice", "priceStandardTbody[0].price", func(t *testing.T) []byte {
			return editSeed(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["price"] = -100 })
		}},
		{"ZeroTimeType0", "priceStandardTbody[0].time", func(t *testing.T) []byte {
			return editSeed(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["time"] = 0 })
		}},
		{"UnknownTimeUnit", "priceStandardTbody[0].timeUnit", func(t *testing.T) []byte {
			return editSeed(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["timeUnit"] = "fortnight" })
		}},
		{"StartBeforeDay", "priceStandardTbody[0].startTime", func(t *testing.T) []byte {
			return editSeed(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["startTime"] = -28800001 })
		}},
		{"StartIsAbsoluteTimestamp", "priceStandardTbody[0].startTime", func(t *testing.T) []byte {
			return editSeed(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["startTime"] = 1700000000000 })
		}},
		{"EndAfterDay", "priceStandardTbody[0].endTime", func(t *testing.T) []byte {
			return editSeed(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["endTime"] = 57600001 })
		}},
		{"EmptySegment", "priceStandardTbody[0].endTime", func(t *testing.T) []byte {
			return editSeed(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["endTime"] = -28800000 })
		}},
		{"Gap", "priceStandardTbody", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) {
				m["priceStandardTbody"] = []any{seg("00:00", "11:59:59", nil), seg("13:00", "23:59:59", nil)}
			})
		}},
		{"Overlap", "priceStandardTbody[1].startTime", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) {
				m["priceStandardTbody"] = []any{seg("22:00", "08:00", nil), seg("07:00", "22:00", nil)}
			})
		}},
		{"GapType2", "priceStandardTbody", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) {
				m["type"] = 2
				m["priceStandardTbody"] = []any{seg("23:00", "07:00", nil), seg("07:00", "22:00", nil)}
			})
		}},
		{"SplitDisagreesWithPrice", "priceStandardTbody[0].price", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, seg []any) {
				m["type"] = 2
				seg[0].(map[string]any)["electricPrice"] = 60
				seg[0].(map[string]any)["electricServiceFee"] = 30
			})
		}},
		{"SplitOnTimeStandard", "priceStandardTbody[0].electricPrice", func(t *testing.T) []byte {
			return editSeed(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["electricPrice"] = 60 })
		}},
		{"PowerOnTimeStandard", "priceStandardTbody[0].minPower", func(t *testing.T) []byte {
			return editSeed(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["maxPower"] = 200 })
		}},
		{"PowerGap", "priceStandardTbody[1].minPower", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) {
				m["type"] = 1
				m["priceStandardTbody"] = []any{
					seg("00:00", "23:59:59", map[string]any{"maxPower": 200}),
					seg("00:00", "23:59:59", map[string]any{"minPower": 250}),
				}
			})
		}},
		{"PowerOverlap", "priceStandardTbody[1].minPower", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) {
				m["type"] = 1
				m["priceStandardTbody"] = []any{
					seg("00:00", "23:59:59", map[string]any{"maxPower": 300}),
					seg("00:00", "23:59:59", map[string]any{"minPower": 200}),
				}
			})
		}},
		{"PowerNotFromZero", "priceStandardTbody[0].minPower", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) {
				m["type"] = 1
				m["priceStandardTbody"] = []any{seg("00:00", "23:59:59", map[string]any{"minPower": 100})}
			})
		}},
		{"PowerMaxBelowMin", "priceStandardTbody[0].maxPower", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) {
				m["type"] = 1
				m["priceStandardTbody"] = []any{seg("00:00", "23:59:59", map[string]any{"minPower": 0, "maxPower": 0})}
			})
		}},
		{"PeriodRequired", "priceStandardTbody[0].period", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) { m["peakPlainValley"] = 1 })
		}},
		{"PeriodUnknown", "priceStandardTbody[0].period", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, seg []any) {
				m["peakPlainValley"] = 1
				seg[0].(map[string]any)["period"] = "sharp"
			})
		}},
		{"PeriodWithoutPeakPlainValley", "priceStandardTbody[0].period", func(t *testing.T) []byte {
			return editSeed(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["period"] = "peak" })
		}},
		{"PeakPlainValleyOnPower", "peakPlainValley", func(t *testing.T) []byte {
			return editSeed(t, func(m map[string]any, _ []any) { m["type"] = 1; m["peakPlainValley"] = 1 })
		}},
	} {
		t.Run("Err"+c.name, func(t *testing.T) {
			_, err := ParsePriceStandard(c.doc(t))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if ce.Field != c.field {
				t.Errorf("err = %v: field %q, want %q", err, ce.Field, c.field)
			}
			if c.field != "" && !strings.Contains(err.Error(), c.field) {
				t.Errorf("message %q does not name %q", err, c.field)
			}
			// The vendor's operators read Chinese, as the open API answers.
			if !hasHan(ce.Msg) || !hasHan(err.Error()) {
				t.Errorf("message %q is not in Chinese", err)
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	// The message must say where the problem is, in the operator's terms
	// and language.
	doc := editSeed(t, func(m map[string]any, _ []any) {
		m["priceStandardTbody"] = []any{seg("00:00", "11:59:59", nil), seg("13:00", "23:59:59", nil)}
	})
	_, err := ParsePriceStandard(doc)
	if want := "12:00到13:00没有时段"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want it to contain %q", err, want)
	}
	doc = editSeed(t, func(m map[string]any, _ []any) {
		m["priceStandardTbody"] = []any{seg("22:00", "08:00", nil), seg("07:00", "22:00", nil)}
	})
	_, err = ParsePriceStandard(doc)
	if want := "自07:00起与其他时段重叠"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want it to contain %q", err, want)
	}
	_, err = ParsePriceStandard(editSeed(t, func(m map[string]any, _ []any) { m["maxTime"] = -5 }))
	if want := "消费标准参数maxTime：须在0（不限）到527040分钟之间，不能是-5"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}
