package ebopark_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"testing"

	"parkd/internal/httpbench"
)

// fuzzyBenchPlate is the i-th of 100,000 distinct Chinese plates: four
// provinces, any authority letter, a 5-digit serial (7919 is prime to
// 100,000, so the serials are a permutation).
func fuzzyBenchPlate(i int) string {
	return fmt.Sprintf("%c%c%05d", []rune("粤京沪苏")[i%4], 'A'+i%26, i*7919%100_000)
}

// fuzzyBenchQuery is what a driver types for car i: alternately the plate
// misread in one character (its 3rd serial digit replaced), and its last
// five characters.
func fuzzyBenchQuery(i int) string {
	p := []rune(fuzzyBenchPlate(i))
	if i%2 == 0 {
		p[4] = 'X'
		return string(p)
	}
	return string(p[len(p)-5:])
}

// BenchmarkFuzzyQueryPlate runs FuzzyQueryPlate over loopback HTTP with
// 100,000 cars inside one SQLite lot, from 32 concurrent clients
// (PARKD_BENCH_CLIENTS), and reports requests/s and the 50th/99th latency
// percentiles. The lot's index is built by one request before the clock
// starts. Target: p99 under 20 ms on 2 cores.
//
//	go test ./internal/dialect/ebopark -run XXX -bench FuzzyQueryPlate -benchtime 20000x
func BenchmarkFuzzyQueryPlate(b *testing.B) {
	const cars = 100_000
	_, ts, _ := benchLot(b, cars, fuzzyBenchPlate)
	ask := func(car int) *http.Request {
		return signed(ts.URL, "FuzzyQueryPlate", fmt.Appendf(nil, `{"ParkCode":%q,"CarNo":%q}`, lotCode, fuzzyBenchQuery(car)))
	}
	finds := func(car int, resp *http.Response, body []byte) error {
		if err := stateZero(car, resp, body); err != nil {
			return err
		}
		if !bytes.Contains(body, []byte(`"carNo":"`+fuzzyBenchPlate(car)+`"`)) {
			return fmt.Errorf("%s did not find %s: %.300s", fuzzyBenchQuery(car), fuzzyBenchPlate(car), body)
		}
		return nil
	}
	// Warm up (builds the lot's index) and check one answer.
	if resp, err := httpbench.Client().Do(ask(2)); err != nil {
		b.Fatal(err)
	} else {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err := finds(2, resp, body); err != nil {
			b.Fatalf("warm-up: %v", err)
		}
	}
	car := func(i int) int { return i * 7919 % cars }
	httpbench.Run(b, httpbench.Client(), func(i int) *http.Request { return ask(car(i)) },
		func(i int, resp *http.Response, body []byte) error { return finds(car(i), resp, body) })
}
