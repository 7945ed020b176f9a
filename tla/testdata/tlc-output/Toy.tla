---- MODULE Toy ----
EXTENDS Naturals
VARIABLE x
Init == x = 0
Next == x < 3 /\ x' = x + 1
Small == x < 2
Inc == [][x' > x]_x
Dec == [][x' < x]_x
====
