package demo

import (
	"context"
	"fmt"

	"parkd/internal/billing"
	"parkd/internal/park"
	"parkd/internal/system"
)

// DemoCoupon is the demo coupon: 2.00 yuan off for 苏E6X789 (inside since
// 40 minutes before the first start), issued by the demo Ebopark partner
// for a mall café. Its fee query shows deductionFee 200.
const DemoCoupon = "DEMO-COUPON-1"

// loadCoupons issues the demo coupon unless it exists (used or not):
// issuing an existing id with the same details returns it unchanged.
func loadCoupons(ctx context.Context, svc *system.System) error {
	_, err := svc.Billing.IssueCoupon(ctx, billing.CouponInput{LotCode: LotCode, ID: DemoCoupon, Plate: "苏E6X789",
		Kind: park.CouponAmount, Value: 200, Merchant: "一楼咖啡", Issuer: EboPartner})
	if err != nil {
		return fmt.Errorf("coupon: %w", err)
	}
	return nil
}
