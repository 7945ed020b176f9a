---- MODULE Toy2 ----
EXTENDS Naturals, TLC
VARIABLES x, y
Init == x = 0 /\ y = 0
NextUnder == x' = x + 1
NextEval == x' = <<>>[x] /\ y' = y
NextAssert == x' = x + 1 /\ y' = y /\ Assert(x < 2, "x too big")
Big == x < 0
====
