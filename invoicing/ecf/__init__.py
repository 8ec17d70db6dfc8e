"""e-CF: DGII's electronic fiscal documents. Building their XML, validating it against DGII's
schemas, signing it, its security code and QR, and the issuer's certificate and settings."""
