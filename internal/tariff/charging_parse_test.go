package tariff

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// chargeEdit returns the seed standard with edit applied to its JSON object.
func chargeEdit(t *testing.T, edit func(m map[string]any, seg []any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(chargeSeedDoc(t), &m); err != nil {
		t.Fatal(err)
	}
	seg := m["priceStandardTbody"].([]any)
	edit(m, seg)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func chargeSeg(start, end string, extra map[string]any) map[string]any {
	hm := func(s string) int64 {
		var h, m, sec int
		if len(s) == 8 {
			sec = int(s[6]-'0')*10 + int(s[7]-'0')
		}
		h = int(s[0]-'0')*10 + int(s[1]-'0')
		m = int(s[3]-'0')*10 + int(s[4]-'0')
		return ChargeTimeMs(h, m, sec)
	}
	g := map[string]any{
		"endTime": hm(end), "id": 0, "price": 100, "priceStandardId": 0, "priceUnit": "yuan",
		"priceYuan": 1, "startTime": hm(start), "time": 60, "timeUnit": "min",
	}
	for k, v := range extra {
		g[k] = v
	}
	return g
}

func TestParseChargeStandard(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		for _, doc := range [][]byte{
			chargeSeedDoc(t),
			// Two segments crossing midnight, vendor-style inclusive ends.
			chargeEdit(t, func(m map[string]any, _ []any) {
				m["priceStandardTbody"] = []any{chargeSeg("08:00", "21:59:59", nil), chargeSeg("22:00", "07:59:59", nil)}
			}),
			// Exclusive ends and an end at 24:00.
			chargeEdit(t, func(m map[string]any, _ []any) {
				m["priceStandardTbody"] = []any{chargeSeg("00:00", "12:00", nil), chargeSeg("12:00", "24:00", nil)}
			}),
			// Power segments in any order, the top one open-ended.
			chargeEdit(t, func(m map[string]any, _ []any) {
				m["type"] = 1
				m["priceStandardTbody"] = []any{
					chargeSeg("00:00", "23:59:59", map[string]any{"minPower": 200, "maxPower": 400}),
					chargeSeg("00:00", "23:59:59", map[string]any{"maxPower": 200}),
					chargeSeg("00:00", "23:59:59", map[string]any{"minPower": 400}),
				}
			}),
		} {
			if _, err := ParseChargeStandard(doc); err != nil {
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
		{"Trailing", "", func(t *testing.T) []byte { return append(chargeSeedDoc(t), "{}"...) }},
		{"UnknownField", "colour", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) { m["colour"] = "red" })
		}},
		{"WrongJSONType", "maxTime", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) { m["maxTime"] = "960" })
		}},
		{"FractionalPrice", "priceStandardTbody.price", func(t *testing.T) []byte {
			return chargeEdit(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["price"] = 1.5 })
		}},
		{"TypeNot012", "type", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) { m["type"] = 3 })
		}},
		{"ChargeType", "chargeType", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) { m["chargeType"] = 2 })
		}},
		{"PowerType", "powerType", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) { m["powerType"] = -1 })
		}},
		{"ViewType", "viewType", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) { m["viewType"] = 0 })
		}},
		{"NegativeMinimum", "minimumMoney", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) { m["minimumMoney"] = -1 })
		}},
		{"FullWithoutPrice", "fullPrice", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) { m["fullBlackout"] = 2 })
		}},
		{"NegativeMaxTime", "maxTime", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) { m["maxTime"] = -5 })
		}},
		{"NoName", "name", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) { m["name"] = "" })
		}},
		{"NoSegments", "priceStandardTbody", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) { m["priceStandardTbody"] = []any{} })
		}},
		{"NegativePrice", "priceStandardTbody[0].price", func(t *testing.T) []byte {
			return chargeEdit(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["price"] = -100 })
		}},
		{"ZeroTimeType0", "priceStandardTbody[0].time", func(t *testing.T) []byte {
			return chargeEdit(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["time"] = 0 })
		}},
		{"UnknownTimeUnit", "priceStandardTbody[0].timeUnit", func(t *testing.T) []byte {
			return chargeEdit(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["timeUnit"] = "fortnight" })
		}},
		{"StartBeforeDay", "priceStandardTbody[0].startTime", func(t *testing.T) []byte {
			return chargeEdit(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["startTime"] = -28800001 })
		}},
		{"StartIsAbsoluteTimestamp", "priceStandardTbody[0].startTime", func(t *testing.T) []byte {
			return chargeEdit(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["startTime"] = 1700000000000 })
		}},
		{"EndAfterDay", "priceStandardTbody[0].endTime", func(t *testing.T) []byte {
			return chargeEdit(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["endTime"] = 57600001 })
		}},
		{"EmptySegment", "priceStandardTbody[0].endTime", func(t *testing.T) []byte {
			return chargeEdit(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["endTime"] = -28800000 })
		}},
		{"Gap", "priceStandardTbody", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) {
				m["priceStandardTbody"] = []any{chargeSeg("00:00", "11:59:59", nil), chargeSeg("13:00", "23:59:59", nil)}
			})
		}},
		{"Overlap", "priceStandardTbody[1].startTime", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) {
				m["priceStandardTbody"] = []any{chargeSeg("22:00", "08:00", nil), chargeSeg("07:00", "22:00", nil)}
			})
		}},
		{"GapType2", "priceStandardTbody", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) {
				m["type"] = 2
				m["priceStandardTbody"] = []any{chargeSeg("23:00", "07:00", nil), chargeSeg("07:00", "22:00", nil)}
			})
		}},
		{"SplitDisagreesWithPrice", "priceStandardTbody[0].price", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, seg []any) {
				m["type"] = 2
				seg[0].(map[string]any)["electricPrice"] = 60
				seg[0].(map[string]any)["electricServiceFee"] = 30
			})
		}},
		{"SplitOnTimeStandard", "priceStandardTbody[0].electricPrice", func(t *testing.T) []byte {
			return chargeEdit(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["electricPrice"] = 60 })
		}},
		{"PowerOnTimeStandard", "priceStandardTbody[0].minPower", func(t *testing.T) []byte {
			return chargeEdit(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["maxPower"] = 200 })
		}},
		{"PowerGap", "priceStandardTbody[1].minPower", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) {
				m["type"] = 1
				m["priceStandardTbody"] = []any{
					chargeSeg("00:00", "23:59:59", map[string]any{"maxPower": 200}),
					chargeSeg("00:00", "23:59:59", map[string]any{"minPower": 250}),
				}
			})
		}},
		{"PowerOverlap", "priceStandardTbody[1].minPower", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) {
				m["type"] = 1
				m["priceStandardTbody"] = []any{
					chargeSeg("00:00", "23:59:59", map[string]any{"maxPower": 300}),
					chargeSeg("00:00", "23:59:59", map[string]any{"minPower": 200}),
				}
			})
		}},
		{"PowerNotFromZero", "priceStandardTbody[0].minPower", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) {
				m["type"] = 1
				m["priceStandardTbody"] = []any{chargeSeg("00:00", "23:59:59", map[string]any{"minPower": 100})}
			})
		}},
		{"PowerMaxBelowMin", "priceStandardTbody[0].maxPower", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) {
				m["type"] = 1
				m["priceStandardTbody"] = []any{chargeSeg("00:00", "23:59:59", map[string]any{"minPower": 0, "maxPower": 0})}
			})
		}},
		{"PeriodRequired", "priceStandardTbody[0].period", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) { m["peakPlainValley"] = 1 })
		}},
		{"PeriodUnknown", "priceStandardTbody[0].period", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, seg []any) {
				m["peakPlainValley"] = 1
				seg[0].(map[string]any)["period"] = "sharp"
			})
		}},
		{"PeriodWithoutPeakPlainValley", "priceStandardTbody[0].period", func(t *testing.T) []byte {
			return chargeEdit(t, func(_ map[string]any, seg []any) { seg[0].(map[string]any)["period"] = "peak" })
		}},
		{"PeakPlainValleyOnPower", "peakPlainValley", func(t *testing.T) []byte {
			return chargeEdit(t, func(m map[string]any, _ []any) { m["type"] = 1; m["peakPlainValley"] = 1 })
		}},
	} {
		t.Run("Err"+c.name, func(t *testing.T) {
			_, err := ParseChargeStandard(c.doc(t))
			var ce *ChargeError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v (%T), want *ChargeError", err, err)
			}
			if ce.Field != c.field {
				t.Errorf("err = %v: field %q, want %q", err, ce.Field, c.field)
			}
			if c.field != "" && !strings.Contains(err.Error(), c.field) {
				t.Errorf("message %q does not name %q", err, c.field)
			}
		})
	}
}

func TestChargeErrorMessages(t *testing.T) {
	// The message must say where the problem is, in the operator's terms.
	doc := chargeEdit(t, func(m map[string]any, _ []any) {
		m["priceStandardTbody"] = []any{chargeSeg("00:00", "11:59:59", nil), chargeSeg("13:00", "23:59:59", nil)}
	})
	_, err := ParseChargeStandard(doc)
	if want := "12:00 to 13:00 is not covered"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want it to contain %q", err, want)
	}
	doc = chargeEdit(t, func(m map[string]any, _ []any) {
		m["priceStandardTbody"] = []any{chargeSeg("22:00", "08:00", nil), chargeSeg("07:00", "22:00", nil)}
	})
	_, err = ParseChargeStandard(doc)
	if want := "overlaps segment 0 from 07:00 to 08:00"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want it to contain %q", err, want)
	}
}
