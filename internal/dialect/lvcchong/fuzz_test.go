package lvcchong

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"parkd/internal/tariff"
)

func FuzzParsePriceStandard(f *testing.F) {
	f.Add(seedDoc(f))
	f.Add(readTestdata(f, "ppv_energy.json"))
	f.Add([]byte(`{"name":"x","viewType":1,"type":1,"priceStandardTbody":[{"startTime":-28800000,"endTime":57599000,"price":1,"time":1,"maxPower":10},{"minPower":10,"startTime":0,"endTime":1,"price":2,"time":2}]}`))
	f.Add([]byte(`{"name":"x","viewType":3,"type":2,"priceStandardTbody":[{"startTime":54000000,"endTime":-3601000,"price":0,"electricPrice":9223372036854775807}]}`))
	f.Add([]byte(`{"name":"x","viewType":1,"type":0,"priceStandardTbody":[{"startTime":-28800000,"endTime":-28800000,"price":1,"time":1}]}`))
	f.Add([]byte(`{"priceStandardTbody":[{"startTime":1e30}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		d, err := DecodePriceStandard(doc)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			return
		}
		// What decodes re-encodes to a document that decodes to the same thing.
		out, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		d2, err := DecodePriceStandard(out)
		if err != nil {
			t.Fatalf("re-encoded standard does not decode: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(d, d2) {
			t.Fatalf("round trip changed the standard:\n%+v\n%+v", d, d2)
		}
		s, err := d.Standard()
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			return
		}
		// The model written back reads as the same model.
		back, err := FromStandard(s)
		if err != nil {
			t.Fatalf("FromStandard: %v", err)
		}
		back.Name = d.Name
		again, err := back.Standard()
		if err != nil {
			t.Fatalf("written back, the document is invalid: %v\n%+v", err, back)
		}
		if !reflect.DeepEqual(s, again) {
			t.Fatalf("model round trip:\n%+v\n%+v", s, again)
		}
		// And it prices a day without trouble.
		start := time.Date(2024, 5, 1, 7, 13, 0, 0, time.UTC)
		in := tariff.ChargeSession{Start: start, End: start.Add(26 * time.Hour), Loc: time.UTC, Prepaid: 1000, Full: true,
			Readings: []tariff.ChargeReading{{At: start.Add(time.Hour), EnergyWh: 5000, PowerW: 3000}, {At: start.Add(20 * time.Hour), EnergyWh: 40000, PowerW: 100}}}
		r := s.Price(&in)
		var sum int64
		for _, l := range r.Lines {
			sum += l.Amount
		}
		if r.Amount < 0 || r.Refund < 0 || r.Amount != r.Electricity+r.Service || sum != r.Amount {
			t.Fatalf("priced %+v", r)
		}
	})
}
