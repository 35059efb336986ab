package ebopark_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"parkd/internal/access"
	"parkd/internal/billing"
	"parkd/internal/dialect/ebopark"
	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/spaces"
	"parkd/internal/system"
)

// The fixtures every test starts from, at the injected clock now
// (2026-03-01 10:00 Asia/Shanghai). The golden files show them.
const (
	lotCode   = "140123001" // a mall lot, the partner test's
	otherLot  = "140123002" // partner other's
	md5Secret = "k3y-md5"

	// The vendor's test credentials (partnerid=test&sign=ebo2019), a
	// static-sign partner of lotCode.
	partnerID = "test"
	secret    = "ebo2019"

	cafeCoupon  = "CAFE-200"        // 200 fen off for 苏E6X789, issued by test
	shareOrder  = "DEMO-SHARE-0001" // test's shared-parking order for 浙A66666
	sharePlate  = "浙A66666"
	passCode    = "U1001" // the user code of 张伟's pass
	passPlate   = "京A12345"
	passPlate2  = "京AD12345"
	whitePlate  = "沪B88888"
	visitorCar  = "粤B12345" // inside since 07:00
	couponCar   = "苏E6X789" // inside since 09:20
	monthlyPlan = "monthly-standard"
)

// tariff is a Chinese mall tariff. The amounts the tests expect follow
// from it:
//   - the first 15 minutes are free; past them the stay is billed from
//     its entry;
//   - the first 60 minutes cost 500, then every started 30 minutes 200 in
//     the day band (08:00-20:00) or every started 60 minutes 100 at night
//     (20:00-08:00), a band capped at 2000 (day) or 500 (night), a
//     rolling 24 hours at 3000.
//
// So a visitor in at 07:00 priced at 10:00 owes 500 (07:00-08:00) + 4 ×
// 200 (08:00-10:00) = 1300.
const tariff = `{
  "grace_minutes": 15,
  "grace_deducted": false,
  "first": {"minutes": 60, "price": 500},
  "every": {"minutes": 30, "price": 200},
  "bands": [
    {"name": "day",   "from": "08:00", "to": "20:00", "every": {"minutes": 30, "price": 200}, "cap": 2000},
    {"name": "night", "from": "20:00", "to": "08:00", "every": {"minutes": 60, "price": 100}, "cap": 500}
  ],
  "daily_cap": 3000,
  "daily_cap_window": "rolling",
  "stay_cap": 0,
  "classes": {"new_energy": {"grace_minutes": 120}, "large": {"every": {"minutes": 30, "price": 400}}}
}`

// Plans of lotCode: 张伟's pass is on the standard monthly rate; the night
// rate's passes park free 19:00-08:00.
var plans = []park.Plan{
	{Code: monthlyPlan, Name: "标准月租", Price: 30000},
	{Code: "night", Name: "夜间月租 19:00-08:00", Price: 15000, Slots: []park.Slot{{From: "19:00", To: "08:00"}}},
}

// loadFixtures creates, at now:
//   - lot lotCode (500 spaces, exit grace 15 minutes, quotes valid 300 s,
//     the tariff above) with the plans above;
//   - 张伟's pass (user code U1001, mobile 18679681247, plates 京A12345 and
//     京AD12345, one space, 2026-02-01 10:00 to 2027-02-01 10:00);
//   - 沪B88888 on the whitelist for a year either side of now;
//   - three cars inside, entered at lane in-1: 粤B12345 at 07:00, 苏E6X789
//     at 09:20, 京A12345 (on its pass) at 08:00, recorded in that order;
//   - the partner test and its coupon CAFE-200 for 苏E6X789;
//   - a garage of 20 spaces: B1 zone A (B1-A-001..008, the first two
//     ev), B1 zone B (B1-B-001..006, the first disabled), F1 zone A
//     (F1-A-001..006); cameras saw 粤B12345 in B1-A-003 at 07:10 and
//     京A12345 in F1-A-002 at 08:05, sensors report B1-B-004 (09:30) and
//     F1-A-005 (09:50) occupied;
//   - test's shared order DEMO-SHARE-0001 for 浙A66666, 10:00-14:00,
//     2000 prepaid;
//   - lot otherLot (10 spaces, the same tariff) and the partners other
//     (static, secret "o") on it, md5p (md5 sign, secret k3y-md5) and lk
//     (a Linkc partner) on lotCode.
func loadFixtures(ctx context.Context, svc *system.System, now time.Time) error {
	for _, l := range []*park.Lot{
		{Code: lotCode, Name: "Demo Mall Car Park", Capacity: 500, MissedEntry: park.MissedEntryHold},
		{Code: otherLot, Name: "Other", Capacity: 10},
	} {
		l.TimeZone, l.Currency, l.ExitGraceMinutes, l.QuoteTTLSeconds = "Asia/Shanghai", "CNY", 15, 300
		l.Tariff = json.RawMessage(tariff)
		if _, err := svc.Gate.CreateLot(ctx, l); err != nil {
			return fmt.Errorf("lot %s: %w", l.Code, err)
		}
	}
	for _, p := range plans {
		if _, err := svc.Access.CreatePlan(ctx, lotCode, &p); err != nil {
			return fmt.Errorf("plan %s: %w", p.Code, err)
		}
	}
	if _, err := svc.Access.CreatePass(ctx, "", lotCode, &park.Pass{
		HolderName: "张伟", Mobile: "18679681247", UserCode: passCode, Plates: []string{passPlate, passPlate2},
		Spaces: 1, ValidFrom: now.AddDate(0, -1, 0), ValidTo: now.AddDate(0, 11, 0), Plan: monthlyPlan,
	}); err != nil {
		return fmt.Errorf("pass: %w", err)
	}
	if _, err := svc.Access.CreateWhitelist(ctx, lotCode, &park.WhitelistEntry{
		Plate: whitePlate, Kind: park.AccessAllow, ValidFrom: now.AddDate(-1, 0, 0), ValidTo: now.AddDate(1, 0, 0),
		Reason: "mall management car",
	}); err != nil {
		return fmt.Errorf("whitelist: %w", err)
	}
	for _, c := range []struct {
		plate string
		ago   time.Duration
	}{{visitorCar, 3 * time.Hour}, {couponCar, 40 * time.Minute}, {passPlate, 2 * time.Hour}} {
		if _, err := svc.Gate.HandleEvent(ctx, gate.EventInput{LotCode: lotCode, ID: "fixture-" + c.plate,
			Type: park.EventEntry, Plate: c.plate, Lane: "in-1", At: now.Add(-c.ago)}); err != nil {
			return fmt.Errorf("stay %s: %w", c.plate, err)
		}
	}
	for _, p := range []*park.Partner{
		{ID: partnerID, Name: "宜泊测试合作商", Dialect: ebopark.Name, Secret: secret, SignMode: ebopark.SignStatic, Lots: []string{lotCode}},
		{ID: "other", Name: "Other", Dialect: ebopark.Name, Secret: "o", SignMode: ebopark.SignStatic, Lots: []string{otherLot}},
		{ID: "md5p", Name: "MD5", Dialect: ebopark.Name, Secret: md5Secret, SignMode: "md5", Lots: []string{lotCode}},
		{ID: "lk", Name: "Linkc", Dialect: "linkc", Secret: secret, Lots: []string{lotCode}},
	} {
		p.Type = park.PartnerNormal
		if _, err := svc.Partners.CreatePartner(ctx, p); err != nil {
			return fmt.Errorf("partner %s: %w", p.ID, err)
		}
	}
	if _, err := svc.Billing.IssueCoupon(ctx, billing.CouponInput{LotCode: lotCode, ID: cafeCoupon, Plate: couponCar,
		Kind: park.CouponAmount, Value: 200, Merchant: "一楼咖啡", Issuer: partnerID}); err != nil {
		return fmt.Errorf("coupon: %w", err)
	}
	if err := loadGarage(ctx, svc, now); err != nil {
		return err
	}
	if _, _, err := svc.Access.SyncReservation(ctx, access.ReservationInput{
		PartnerID: partnerID, LotCode: lotCode, OrderNo: shareOrder, Kind: park.ReservationShared,
		Plate: sharePlate, Mobile: "13900139000", UserName: "陈静", From: now, To: now.Add(4 * time.Hour),
		Prepaid: 2000, MayEnter: true, MayExit: true,
	}); err != nil {
		return fmt.Errorf("reservation: %w", err)
	}
	return nil
}

// loadGarage gives lotCode its guided garage (see loadFixtures).
func loadGarage(ctx context.Context, svc *system.System, now time.Time) error {
	var sps []*park.Space
	add := func(floor, zone string, n int, kinds map[int]string) {
		for i := 1; i <= n; i++ {
			sps = append(sps, &park.Space{Code: fmt.Sprintf("%s-%s-%03d", floor, zone, i), Floor: floor, Zone: zone, Kind: kinds[i]})
		}
	}
	add("B1", "A", 8, map[int]string{1: "ev", 2: "ev"})
	add("B1", "B", 6, map[int]string{1: "disabled"})
	add("F1", "A", 6, nil)
	if _, err := svc.Spaces.ReplaceSpaces(ctx, lotCode, sps); err != nil {
		return fmt.Errorf("spaces: %w", err)
	}
	if _, err := svc.Spaces.ReportSpaces(ctx, lotCode, []spaces.SpaceReport{
		{Space: "B1-A-003", Occupied: true, Plate: visitorCar, At: now.Add(-170 * time.Minute)},
		{Space: "F1-A-002", Occupied: true, Plate: passPlate, At: now.Add(-115 * time.Minute)},
		{Space: "B1-B-004", Occupied: true, At: now.Add(-30 * time.Minute)},
		{Space: "F1-A-005", Occupied: true, At: now.Add(-10 * time.Minute)},
	}); err != nil {
		return fmt.Errorf("space reports: %w", err)
	}
	return nil
}
