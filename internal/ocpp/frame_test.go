package ocpp

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzDecodeFrame: any input either decodes to a frame that encodes and
// decodes back to the same frame, or is refused with an OCPP error code;
// payload decoding never panics either.
func FuzzDecodeFrame(f *testing.F) {
	for _, s := range []string{
		`[2,"1","BootNotification",{"chargePointVendor":"v","chargePointModel":"m"}]`,
		`[3,"1",{"status":"Accepted"}]`,
		`[4,"1","NotImplemented","no",{}]`,
		`[2,"1","MeterValues",{"connectorId":1,"transactionId":5,"meterValue":[{"timestamp":"2026-11-23T08:00:00Z","sampledValue":[{"value":"12.5","unit":"kWh"}]}]}]`,
		`[2,"1","StopTransaction",{"meterStop":5,"timestamp":"2026-11-23T08:00:00Z","transactionId":5,"reason":"Local"}]`,
		`[2,"",""]`, `[]`, `{}`, `[2,"1","A",{}] x`, `[2.5,"1","A",{}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := DecodeFrame(b)
		if err != nil {
			fe, ok := err.(*FrameError)
			if !ok || fe.Code == "" || fe.ID == "" {
				t.Fatalf("error %v is not a FrameError with a code and an id", err)
			}
			return
		}
		enc, err := fr.Encode()
		if err != nil {
			t.Fatalf("a decoded frame does not encode: %v", err)
		}
		again, err := DecodeFrame(enc)
		if err != nil || again.Type != fr.Type || again.ID != fr.ID || again.Action != fr.Action ||
			!jsonEqual(again.Payload, fr.Payload) || again.ErrorCode != fr.ErrorCode {
			t.Fatalf("round trip of %s: %+v, %v", b, again, err)
		}
		if fr.Type == TypeCall {
			for _, v := range []checker{&bootReq{}, &statusReq{}, &startReq{}, &meterValuesReq{}, &stopReq{}, &authorizeReq{}, &dataTransferReq{}} {
				_ = DecodePayload(fr.ID, fr.Payload, v)
			}
			var mv meterValuesReq
			if DecodePayload(fr.ID, fr.Payload, &mv) == nil {
				readings(mv.MeterValue)
			}
		}
	})
}

func jsonEqual(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y bytes.Buffer
	if json.Compact(&x, a) != nil || json.Compact(&y, b) != nil {
		return false
	}
	return bytes.Equal(x.Bytes(), y.Bytes())
}

// TestReadings: energy in Wh or kWh, power in W or kW, per-phase values
// left out, a state of charge of 100 % is full.
func TestReadings(t *testing.T) {
	s := func(v string) *string { return &v }
	mvs := []meterValue{
		{Timestamp: s("2026-11-23T08:00:00Z"), SampledValue: []sampledValue{
			{Value: s("12.345"), Unit: s("kWh")},
			{Value: s("7.2"), Measurand: s("Power.Active.Import"), Unit: s("kW")},
			{Value: s("99999"), Phase: s("L1")},
		}},
		{Timestamp: s("2026-11-23T08:10:00Z"), SampledValue: []sampledValue{
			{Value: s("13000"), Measurand: s("Energy.Active.Import.Register"), Unit: s("Wh")},
			{Value: s("100"), Measurand: s("SoC"), Unit: s("Percent")},
		}},
		{Timestamp: s("2026-11-23T08:20:00Z"), SampledValue: []sampledValue{{Value: s("7000"), Measurand: s("Power.Active.Import")}}},
	}
	rs, full := readings(mvs)
	if len(rs) != 2 || rs[0].EnergyWh != 12345 || rs[0].PowerW != 7200 || rs[1].EnergyWh != 13000 || !full {
		t.Fatalf("readings %+v full %v", rs, full)
	}
}

// TestErrorsInJSONWords: a charger's engineer reads the CALLERROR's
// description; it names what was wrong in JSON's words, not in Go's.
func TestErrorsInJSONWords(t *testing.T) {
	for _, c := range []struct{ frame, want string }{
		{`{"a":1}`, "a message must be a JSON array, not object"},
		{`"x"`, "a message must be a JSON array, not string"},
		{`[2,"m1","MeterValues",{"connectorId":1,"meterValue":{}}]`, "meterValue must be an array, not object"},
		{`[2,"m2","MeterValues",{"connectorId":1,"meterValue":[{"timestamp":"2026-11-23T08:00:00Z","sampledValue":[7]}]}]`, "meterValue.sampledValue must be an object, not number"},
		{`[2,"m3","StatusNotification",{"connectorId":"1","errorCode":"NoError","status":"Available"}]`, "connectorId must be an integer, not string"},
		{`[2,"m4","MeterValues",{"connectorId":1,"transactionId":1.5,"meterValue":[]}]`, "transactionId must be an integer, not number 1.5"},
	} {
		fr, err := DecodeFrame([]byte(c.frame))
		if err == nil {
			var mv meterValuesReq
			var st statusReq
			if fr.Action == "StatusNotification" {
				err = DecodePayload(fr.ID, fr.Payload, &st)
			} else {
				err = DecodePayload(fr.ID, fr.Payload, &mv)
			}
		}
		fe, ok := err.(*FrameError)
		if !ok || fe.Message != c.want {
			t.Errorf("%s: %v, want %q", c.frame, err, c.want)
		}
	}
}
