package loadgen

import (
	"math"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// TestAnswerTimesOfARun: a run's answers are the histogram's growth
// during it, read at bucket bounds.
func TestAnswerTimesOfARun(t *testing.T) {
	bounds := []float64{.01, .02, math.Inf(1)}
	before := AnswerTimes{"MeterValues": {Bounds: bounds, Counts: []uint64{5, 8, 10}, Total: 10}}
	after := AnswerTimes{
		"MeterValues": {Bounds: bounds, Counts: []uint64{105, 195, 210}, Total: 210},
		"Heartbeat":   {Bounds: bounds, Counts: []uint64{3, 4, 4}, Total: 4}, // none before the run
	}
	run := after.Since(before)
	mv := run["MeterValues"]
	// 100 within 10 ms, 187 within 20 ms, 200 in all.
	if mv.Total != 200 || mv.Counts[0] != 100 || mv.Counts[1] != 187 || mv.Counts[2] != 200 {
		t.Fatalf("MeterValues during the run: %+v", mv)
	}
	if share, ok := mv.Within(20 * time.Millisecond); !ok || share != 187.0/200 {
		t.Errorf("within 20 ms: %v %v, want 0.935", share, ok)
	}
	if _, ok := mv.Within(15 * time.Millisecond); ok {
		t.Error("15 ms is no bucket bound, yet a share was given")
	}
	// The median is within 10 ms (100 of 200), p90 within 20 ms (180 ≤ 187),
	// p99 past every finite bound (198 > 187).
	for _, c := range []struct{ q, want float64 }{{.5, .01}, {.9, .02}, {.99, math.Inf(1)}} {
		if got := mv.Quantile(c.q); got != c.want {
			t.Errorf("quantile %v in the bucket ending at %v, want %v", c.q, got, c.want)
		}
	}
	if hb := run["Heartbeat"]; hb.Total != 4 || hb.Counts[0] != 3 {
		t.Errorf("Heartbeat, all during the run: %+v", hb)
	}
}

// TestBucketsEndAtInf: a histogram read from the text format ends with its
// +Inf bucket once, as one gathered from a registry (which leaves it out).
func TestBucketsEndAtInf(t *testing.T) {
	u := func(f float64) *float64 { return &f }
	c := func(n uint64) *uint64 { return &n }
	for _, withInf := range []bool{true, false} {
		h := &dto.Histogram{SampleCount: c(5), Bucket: []*dto.Bucket{{UpperBound: u(.02), CumulativeCount: c(4)}}}
		if withInf {
			h.Bucket = append(h.Bucket, &dto.Bucket{UpperBound: u(math.Inf(1)), CumulativeCount: c(5)})
		}
		b := bucketsOf(h)
		if len(b.Bounds) != 2 || !math.IsInf(b.Bounds[1], 1) || b.Counts[1] != 5 || b.Total != 5 {
			t.Errorf("with +Inf given %v: %+v, want bounds [0.02 +Inf], counts [4 5]", withInf, b)
		}
	}
}
