package lvcchong

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"parkd/internal/tariff"
)

// seedDoc returns list[0] of the seed's getPriceStandard example, as the
// vendor sent it.
func seedDoc(t testing.TB) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "seed_getPriceStandard.json"))
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

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func decode(t testing.TB, doc []byte) *PriceStandard {
	t.Helper()
	d, err := DecodePriceStandard(doc)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

// seedModel is what the seed means to the engine: 100 fen per started 240
// minutes all day, at most 960 minutes, refunds to the original payment.
func seedModel() *tariff.ChargeStandard {
	return &tariff.ChargeStandard{
		Kind: tariff.ChargeByTime, MaxTime: 960 * time.Minute, RefundTo: tariff.ChargeRefundToPayment,
		Segments: []tariff.ChargeSegment{{From: 0, To: 24 * time.Hour, Price: 100, Block: 240 * time.Minute}},
	}
}

// ppvModel is testdata/ppv_energy.json to the engine.
func ppvModel() *tariff.ChargeStandard {
	seg := func(from, to time.Duration, elec int64, p tariff.ChargePeriod) tariff.ChargeSegment {
		return tariff.ChargeSegment{From: from, To: to, Price: elec, ServiceFee: 40, Period: p}
	}
	return &tariff.ChargeStandard{
		Kind: tariff.ChargeByEnergy, MinBalance: 2000,
		Segments: []tariff.ChargeSegment{
			seg(hm(23, 0), hm(7, 0), 30, tariff.ChargeValley),
			seg(hm(7, 0), hm(10, 0), 60, tariff.ChargeFlat),
			seg(hm(10, 0), hm(15, 0), 100, tariff.ChargePeak),
			seg(hm(15, 0), hm(18, 0), 60, tariff.ChargeFlat),
			seg(hm(18, 0), hm(21, 0), 100, tariff.ChargePeak),
			seg(hm(21, 0), hm(23, 0), 60, tariff.ChargeFlat),
		},
	}
}

// keepBookkeeping copies onto d the fields the model does not hold.
func keepBookkeeping(d, from *PriceStandard) {
	d.ID, d.Name, d.Remark, d.OwnerID, d.CreateUserID = from.ID, from.Name, from.Remark, from.OwnerID, from.CreateUserID
	d.DeviceType, d.DeviceAssociateCount, d.DeviceFamily, d.ViewType = from.DeviceType, from.DeviceAssociateCount, from.DeviceFamily, from.ViewType
	for i := range d.Segments {
		d.Segments[i].ID, d.Segments[i].PriceStandardID = from.Segments[i].ID, from.Segments[i].PriceStandardID
	}
}

func TestSeedGolden(t *testing.T) {
	doc := seedDoc(t)
	d := decode(t, doc)

	t.Run("Fields", func(t *testing.T) {
		want := PriceStandard{
			CreateUserID: 2260, DeviceType: "null", ID: 19464, MaxTime: 960,
			Name: "固定金额-1元240分钟", RealTimeCharge: 1, RefundType: 1, ViewType: 1,
			Segments: []PriceSegment{{
				EndTime: 57599000, ID: 3113, Price: 100, PriceStandardID: 19464, PriceUnit: "yuan",
				PriceYuan: 1, StartTime: -28800000, Time: 240, TimeUnit: "min",
			}},
		}
		if !reflect.DeepEqual(*d, want) {
			t.Errorf("decoded\n%+v\nwant\n%+v", *d, want)
		}
	})

	t.Run("SameKeysAndValues", func(t *testing.T) {
		out, err := json.Marshal(d)
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
		out, _ := json.Marshal(d)
		var compact bytes.Buffer
		if err := json.Compact(&compact, doc); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, compact.Bytes()) {
			t.Errorf("re-encoded\n%s\nwant\n%s", out, compact.Bytes())
		}
	})

	t.Run("ExtensionsRoundTrip", func(t *testing.T) {
		raw := readTestdata(t, "ppv_energy.json")
		out, _ := json.Marshal(decode(t, raw))
		var got, want map[string]any
		_ = json.Unmarshal(out, &got)
		_ = json.Unmarshal(raw, &want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("re-encoded\n%s\nwant\n%s", out, raw)
		}
	})
}

// The documents translate into the model the engine prices, and back.
func TestStandardModel(t *testing.T) {
	for _, c := range []struct {
		name string
		doc  []byte
		want *tariff.ChargeStandard
	}{
		{"Seed", seedDoc(t), seedModel()},
		{"PeakFlatValley", readTestdata(t, "ppv_energy.json"), ppvModel()},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := decode(t, c.doc)
			s, err := d.Standard()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(s, c.want) {
				t.Errorf("model\n%+v\nwant\n%+v", s, c.want)
			}
			back, err := FromStandard(s)
			if err != nil {
				t.Fatal(err)
			}
			keepBookkeeping(back, d)
			if !reflect.DeepEqual(back, d) {
				t.Errorf("written back\n%+v\nwant the document\n%+v", back, d)
			}
		})
	}
}
