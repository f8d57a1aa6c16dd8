;; @file Matrix kernels in WebAssembly SIMD (f64x2), for the products that dominate a convnet's
;; derivatives (weights against im2col patches). All arguments are element offsets (f64 index)
;; into the imported memory, where the executable keeps every buffer. Built into
;; simd-wasm.ts by `npm run build:wasm`; a test checks the two stay in sync.
(module
  (import "env" "memory" (memory 1))

  ;; Σ_{t<k} a[pa + t]·b[pb + t] (byte addresses), four lanes at a time.
  (func $dot (param $pa i32) (param $pb i32) (param $k i32) (result f64)
    (local $s0 v128) (local $s1 v128) (local $end i32) (local $end4 i32) (local $r f64)
    (local.set $end (i32.add (local.get $pa) (i32.shl (local.get $k) (i32.const 3))))
    (local.set $end4 (i32.add (local.get $pa) (i32.shl (i32.and (local.get $k) (i32.const -4)) (i32.const 3))))
    (block $done4
      (loop $l4
        (br_if $done4 (i32.ge_u (local.get $pa) (local.get $end4)))
        (local.set $s0 (f64x2.add (local.get $s0)
          (f64x2.mul (v128.load (local.get $pa)) (v128.load (local.get $pb)))))
        (local.set $s1 (f64x2.add (local.get $s1)
          (f64x2.mul (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb)))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
        (br $l4)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (local.set $r (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (block $done
      (loop $l1
        (br_if $done (i32.ge_u (local.get $pa) (local.get $end)))
        (local.set $r (f64.add (local.get $r) (f64.mul (f64.load (local.get $pa)) (f64.load (local.get $pb)))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 8)))
        (br $l1)))
    (local.get $r))

  ;; y[py + t] += alpha·x[px + t] for t < n (byte addresses).
  (func $axpy (param $alpha f64) (param $px i32) (param $py i32) (param $n i32)
    (local $a2 v128) (local $end i32) (local $end4 i32)
    (local.set $a2 (f64x2.splat (local.get $alpha)))
    (local.set $end (i32.add (local.get $py) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $end4 (i32.add (local.get $py) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3))))
    (block $done4
      (loop $l4
        (br_if $done4 (i32.ge_u (local.get $py) (local.get $end4)))
        (v128.store (local.get $py) (f64x2.add (v128.load (local.get $py))
          (f64x2.mul (local.get $a2) (v128.load (local.get $px)))))
        (v128.store offset=16 (local.get $py) (f64x2.add (v128.load offset=16 (local.get $py))
          (f64x2.mul (local.get $a2) (v128.load offset=16 (local.get $px)))))
        (local.set $px (i32.add (local.get $px) (i32.const 32)))
        (local.set $py (i32.add (local.get $py) (i32.const 32)))
        (br $l4)))
    (block $done
      (loop $l1
        (br_if $done (i32.ge_u (local.get $py) (local.get $end)))
        (f64.store (local.get $py) (f64.add (f64.load (local.get $py))
          (f64.mul (local.get $alpha) (f64.load (local.get $px)))))
        (local.set $px (i32.add (local.get $px) (i32.const 8)))
        (local.set $py (i32.add (local.get $py) (i32.const 8)))
        (br $l1))))

  ;; z (+)= a·bᵀ with a [m,k], b [n,k], z [m,n] (element offsets).
  (func (export "matmulNT") (param $a i32) (param $b i32) (param $z i32) (param $m i32) (param $k i32) (param $n i32) (param $acc i32)
    (local $i i32) (local $j i32) (local $pa i32) (local $pz i32) (local $s f64) (local $rowk i32)
    (local.set $rowk (i32.shl (local.get $k) (i32.const 3)))
    (local.set $pa (i32.shl (local.get $a) (i32.const 3)))
    (local.set $pz (i32.shl (local.get $z) (i32.const 3)))
    (block $di (loop $li
      (br_if $di (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $j (i32.const 0))
      (block $dj (loop $lj
        (br_if $dj (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $s (call $dot (local.get $pa)
          (i32.add (i32.shl (local.get $b) (i32.const 3)) (i32.mul (local.get $j) (local.get $rowk)))
          (local.get $k)))
        (if (local.get $acc) (then (local.set $s (f64.add (local.get $s) (f64.load (local.get $pz))))))
        (f64.store (local.get $pz) (local.get $s))
        (local.set $pz (i32.add (local.get $pz) (i32.const 8)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $lj)))
      (local.set $pa (i32.add (local.get $pa) (local.get $rowk)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $li))))

  ;; z (+)= a·b with a [m,k], b [k,n], z [m,n]: axpy of b's rows into z's.
  (func (export "matmul") (param $a i32) (param $b i32) (param $z i32) (param $m i32) (param $k i32) (param $n i32) (param $acc i32)
    (local $i i32) (local $r i32) (local $pa i32) (local $pz i32) (local $rown i32) (local $t i32)
    (local.set $rown (i32.shl (local.get $n) (i32.const 3)))
    (local.set $pa (i32.shl (local.get $a) (i32.const 3)))
    (local.set $pz (i32.shl (local.get $z) (i32.const 3)))
    (if (i32.eqz (local.get $acc))
      (then (memory.fill (local.get $pz) (i32.const 0) (i32.mul (local.get $m) (local.get $rown)))))
    (block $di (loop $li
      (br_if $di (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $r (i32.const 0))
      (block $dr (loop $lr
        (br_if $dr (i32.ge_u (local.get $r) (local.get $k)))
        (call $axpy (f64.load (local.get $pa))
          (i32.add (i32.shl (local.get $b) (i32.const 3)) (i32.mul (local.get $r) (local.get $rown)))
          (local.get $pz) (local.get $n))
        (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $lr)))
      (local.set $pz (i32.add (local.get $pz) (local.get $rown)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $li))))

  ;; z += aᵀ·b with a [k,m], b [k,n], z [m,n].
  (func (export "matmulTN") (param $a i32) (param $b i32) (param $z i32) (param $m i32) (param $k i32) (param $n i32)
    (local $i i32) (local $r i32) (local $pa i32) (local $pb i32) (local $rown i32)
    (local.set $rown (i32.shl (local.get $n) (i32.const 3)))
    (local.set $pa (i32.shl (local.get $a) (i32.const 3)))
    (local.set $pb (i32.shl (local.get $b) (i32.const 3)))
    (block $dr (loop $lr
      (br_if $dr (i32.ge_u (local.get $r) (local.get $k)))
      (local.set $i (i32.const 0))
      (block $di (loop $li
        (br_if $di (i32.ge_u (local.get $i) (local.get $m)))
        (call $axpy (f64.load (local.get $pa)) (local.get $pb)
          (i32.add (i32.shl (local.get $z) (i32.const 3)) (i32.mul (local.get $i) (local.get $rown)))
          (local.get $n))
        (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $li)))
      (local.set $pb (i32.add (local.get $pb) (local.get $rown)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $lr))))
)
