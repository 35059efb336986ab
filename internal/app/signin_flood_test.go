package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/park"
	"parkd/internal/partners"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
)

// TestSignInFlood reproduces the finding: 32 clients guessing Linkc
// passwords as fast as they can, on loopback, while another client uses
// the native API. Without limits (as before), every guess costs a bcrypt
// check and the other requests queue behind them; with the default
// limits, the flood is answered 429 and the other requests keep their
// speed. It reports both figures (go test -run TestSignInFlood -v) and
// asserts no timing: each flood stops by itself after floodFor or
// floodMax attempts.
func TestSignInFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("a timed flood; skipped with -short")
	}
	unlimited := partners.Rate{Burst: 1 << 30, Every: time.Nanosecond}
	for _, c := range []struct {
		name   string
		limits partners.SignInLimits
	}{
		{"Unlimited", partners.SignInLimits{PerUser: unlimited, PerSource: unlimited, Hashing: 1 << 16, Wait: time.Hour}},
		{"Limited", partners.SignInLimits{}}, // the defaults
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "Unlimited" && raceDetector {
				// 32 bcrypt checks at once take half a minute under -race,
				// and a timing figure means nothing there.
				t.Skip("the unlimited flood is measured without -race")
			}
			res := flood(t, c.limits)
			t.Logf("%d sign-in attempts in %v from 32 clients (%d answered 401, %d 429); "+
				"the native API meanwhile: p50 %v, p99 %v, max %v over %d requests (idle: p50 %v, p99 %v)",
				res.attempts, res.took.Round(time.Millisecond), res.status[401], res.status[429],
				res.during.pct(50), res.during.pct(99), res.during.pct(100), len(res.during), res.idle.pct(50), res.idle.pct(99))
			if res.status[200] != 0 || res.status[401]+res.status[429] != res.attempts {
				t.Fatalf("answers %v", res.status)
			}
			if c.name == "Limited" && res.status[429] == 0 {
				t.Fatal("no attempt was refused with 429")
			}
		})
	}
}

const (
	floodFor     = 2 * time.Second
	floodMax     = 20_000
	floodClients = 32
)

type floodResult struct {
	attempts     int
	took         time.Duration
	status       map[int]int
	idle, during latencies
}

type latencies []time.Duration

// pct is the p-th percentile (100: the maximum).
func (l latencies) pct(p int) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)].Round(10 * time.Microsecond)
}

func flood(t *testing.T, limits partners.SignInLimits) floodResult {
	cfg := systemConfig(teststore.Open(t), nil, nil, nil)
	cfg.SignIn = limits
	sys := system.New(cfg)
	h := httpapi.New(httpapi.Config{Service: sys, Metrics: metrics.New(), AdminToken: testAdmin,
		// Loopback is the proxy, so that each client can come from its own address.
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	for _, d := range dialects {
		d.mount(sys, nil, h.Mount)
	}
	srv := httptest.NewServer(h) // 127.0.0.1 only
	defer srv.Close()
	ctx := context.Background()
	if _, err := sys.Gate.CreateLot(ctx, &park.Lot{Code: "L1", Name: "Lot", TimeZone: "America/Sao_Paulo", Currency: "BRL",
		Capacity: 10}); err != nil {
		t.Fatal(err)
	}
	if _, err := sys.Partners.CreatePartner(ctx, &park.Partner{ID: "lk", Name: "Lk", Dialect: "linkc", Type: park.PartnerNormal,
		Lots: []string{"L1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sys.Partners.CreateIntegrator(ctx, partners.IntegratorInput{Username: "ana", Password: "senha-forte-1",
		Partners: []string{"lk"}}); err != nil {
		t.Fatal(err)
	}
	probe := func(c *http.Client) time.Duration {
		req, _ := http.NewRequest("GET", srv.URL+"/v1/lots/L1/occupancy", nil)
		req.Header.Set("Authorization", "Bearer "+testAdmin)
		start := time.Now()
		resp, err := c.Do(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("probe answered %d", resp.StatusCode)
		}
		return time.Since(start)
	}
	pc := &http.Client{}
	res := floodResult{status: map[int]int{}}
	for range 200 {
		res.idle = append(res.idle, probe(pc))
	}

	var (
		mu       sync.Mutex
		attempts atomic.Int64
		wg       sync.WaitGroup
		stop     = make(chan struct{})
	)
	start := time.Now()
	deadline := start.Add(floodFor)
	for i := range floodClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			defer c.CloseIdleConnections()
			user := "ana"
			if i%2 == 1 {
				user = fmt.Sprintf("user-%d", i)
			}
			for n := 0; time.Now().Before(deadline) && attempts.Add(1) <= floodMax; n++ {
				body, _ := json.Marshal(map[string]string{"usuario": user, "senha": fmt.Sprintf("guess-%d-%d", i, n)})
				req, _ := http.NewRequest("POST", srv.URL+"/api/autenticacao", strings.NewReader(string(body)))
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
				resp, err := c.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				res.status[resp.StatusCode]++
				mu.Unlock()
			}
		}()
	}
	go func() { wg.Wait(); close(stop) }()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for done := false; !done; {
		select {
		case <-stop:
			done = true
		case <-tick.C:
			res.during = append(res.during, probe(pc))
		}
	}
	res.took = time.Since(start)
	for _, n := range res.status {
		res.attempts += n
	}
	return res
}
