package tariff

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// chargeSeedDoc returns list[0] of the seed's getPriceStandard example, as
// the vendor sent it.
func chargeSeedDoc(t testing.TB) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "charging", "seed_getPriceStandard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Success bool
		Data    struct {
			List []json.RawMessage
		}
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	if !env.Success || len(env.Data.List) != 1 {
		t.Fatalf("unexpected seed envelope: %s", raw)
	}
	return env.Data.List[0]
}

func chargeTestdata(t testing.TB, name string) *ChargeStandard {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "charging", name))
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseChargeStandard(raw)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

func TestChargeSeedGolden(t *testing.T) {
	doc := chargeSeedDoc(t)
	s, err := ParseChargeStandard(doc)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Fields", func(t *testing.T) {
		want := ChargeStandard{
			CreateUserID: 2260, DeviceType: "null", ID: 19464, MaxTime: 960,
			Name: "固定金额-1元240分钟", RealTimeCharge: 1, RefundType: 1, ViewType: 1,
			Segments: []ChargeSegment{{
				EndTime: 57599000, ID: 3113, Price: 100, PriceStandardID: 19464, PriceUnit: "yuan",
				PriceYuan: 1, StartTime: -28800000, Time: 240, TimeUnit: "min",
			}},
		}
		if !reflect.DeepEqual(*s, want) {
			t.Errorf("decoded\n%+v\nwant\n%+v", *s, want)
		}
	})

	t.Run("SameKeysAndValues", func(t *testing.T) {
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var got, want map[string]any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(doc, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("re-encoded\n%s\nwant the seed's\n%s", out, doc)
		}
	})

	t.Run("SameBytes", func(t *testing.T) {
		// The vendor sorts keys; so does the struct, so even the bytes match.
		out, _ := json.Marshal(s)
		var compact bytes.Buffer
		if err := json.Compact(&compact, doc); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, compact.Bytes()) {
			t.Errorf("re-encoded\n%s\nwant\n%s", out, compact.Bytes())
		}
	})

	t.Run("ExtensionsRoundTrip", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join("testdata", "charging", "ppv_energy.json"))
		if err != nil {
			t.Fatal(err)
		}
		s := chargeTestdata(t, "ppv_energy.json")
		out, _ := json.Marshal(s)
		var got, want map[string]any
		_ = json.Unmarshal(out, &got)
		_ = json.Unmarshal(raw, &want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("re-encoded\n%s\nwant\n%s", out, raw)
		}
	})
}

func TestChargeTimeOfDay(t *testing.T) {
	for _, c := range []struct {
		ms   int64
		want string
	}{
		{-28800000, "0s"},
		{57599000, "23h59m59s"},
		{0, "8h0m0s"}, // the epoch is 08:00 in UTC+8
		{ChargeTimeMs(23, 0, 0), "23h0m0s"},
	} {
		if got := ChargeTimeOfDay(c.ms).String(); got != c.want {
			t.Errorf("ChargeTimeOfDay(%d) = %s, want %s", c.ms, got, c.want)
		}
	}
	if got := ChargeTimeMs(23, 59, 59); got != 57599000 {
		t.Errorf("ChargeTimeMs(23,59,59) = %d, want 57599000", got)
	}
}
