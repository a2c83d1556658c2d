;; The WebAssembly SIMD kernels (four float32 lanes) of the core: the two passes
;; over every parameter that a training step on a CPU backend makes outside the
;; matrix products (the AdamW update, a blocked matrix transpose), and the Gram
;; matrix XᵀX of the closed forms. Compiled to kernels-wasm.ts by
;; `npx tsx scripts/build-simd-kernels.ts`; simd-kernels.ts loads it.
;; All pointers are byte offsets into the exported memory, 16-byte aligned; lengths
;; are in float32 values.
(module
  (memory (export "memory") 1)

  ;; AdamW with decoupled weight decay and gradient-value clipping (torch.optim.AdamW
  ;; after clip_grad_value_), over n values; n is rounded up to a multiple of 4, so
  ;; every buffer must be padded to one.
  ;;   g' = clamp(g, -clip, clip)
  ;;   m = b1 m + b1c g'          v = b2 v + b2c g'^2
;; with b1c = 1 - b1 and b2c = 1 - b2 computed by the caller in float64 (1 - 0.999 in
;; float32 is off by 1e-5 relative, which PyTorch's update is not)
  ;;   out = p decay - step m / (sqrt(v) invRoot2 + eps)
  ;; with decay = 1 - lr wd, step = lr / (1 - b1^t), invRoot2 = 1 / sqrt(1 - b2^t).
  (func $adamw (export "adamw")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $out i32) (param $n i32)
    (param $decay f32) (param $step f32) (param $invRoot2 f32)
    (param $b1 f32) (param $b2 f32) (param $b1c f32) (param $b2c f32) (param $eps f32) (param $clip f32)
    (local $off i32) (local $end i32)
    (local $gk v128) (local $mk v128) (local $vk v128)
    (local $vDecay v128) (local $vStep v128) (local $vInvRoot2 v128)
    (local $vB1 v128) (local $vB1c v128) (local $vB2 v128) (local $vB2c v128)
    (local $vEps v128) (local $vClip v128) (local $vNegClip v128)
    (local.set $vDecay (f32x4.splat (local.get $decay)))
    (local.set $vStep (f32x4.splat (local.get $step)))
    (local.set $vInvRoot2 (f32x4.splat (local.get $invRoot2)))
    (local.set $vB1 (f32x4.splat (local.get $b1)))
    (local.set $vB1c (f32x4.splat (local.get $b1c)))
    (local.set $vB2 (f32x4.splat (local.get $b2)))
    (local.set $vB2c (f32x4.splat (local.get $b2c)))
    (local.set $vEps (f32x4.splat (local.get $eps)))
    (local.set $vClip (f32x4.splat (local.get $clip)))
    (local.set $vNegClip (f32x4.splat (f32.neg (local.get $clip))))
    (local.set $end (i32.shl (i32.and (i32.add (local.get $n) (i32.const 3)) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $gk
          (f32x4.min (local.get $vClip)
            (f32x4.max (local.get $vNegClip) (v128.load (i32.add (local.get $g) (local.get $off))))))
        (local.set $mk
          (f32x4.add
            (f32x4.mul (local.get $vB1) (v128.load (i32.add (local.get $m) (local.get $off))))
            (f32x4.mul (local.get $vB1c) (local.get $gk))))
        (local.set $vk
          (f32x4.add
            (f32x4.mul (local.get $vB2) (v128.load (i32.add (local.get $v) (local.get $off))))
            (f32x4.mul (local.get $vB2c) (f32x4.mul (local.get $gk) (local.get $gk)))))
        (v128.store (i32.add (local.get $m) (local.get $off)) (local.get $mk))
        (v128.store (i32.add (local.get $v) (local.get $off)) (local.get $vk))
        (v128.store (i32.add (local.get $out) (local.get $off))
          (f32x4.sub
            (f32x4.mul (v128.load (i32.add (local.get $p) (local.get $off))) (local.get $vDecay))
            (f32x4.div
              (f32x4.mul (local.get $vStep) (local.get $mk))
              (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $vk)) (local.get $vInvRoot2)) (local.get $vEps)))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $next))))

  ;; dst (cols × rows) = transpose of src (rows × cols), both row-major, walked in
  ;; 16 × 16 blocks so that reads and writes stay within a few cache lines; 4 × 4
  ;; tiles go through registers (two rounds of lane shuffles), and the last rows
  ;; and columns when a side is not a multiple of 4 go value by value.
  (func (export "transpose") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $rows4 i32) (local $cols4 i32)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    ;; the 4-aligned part by tiles, then the right and bottom strips value by value
    (call $transposeTiles (local.get $src) (local.get $dst) (local.get $rows) (local.get $cols) (local.get $rows4) (local.get $cols4))
    (call $transposeValues (local.get $src) (local.get $dst) (local.get $rows) (local.get $cols)
      (i32.const 0) (local.get $rows4) (local.get $cols4) (local.get $cols))
    (call $transposeValues (local.get $src) (local.get $dst) (local.get $rows) (local.get $cols)
      (local.get $rows4) (local.get $rows) (i32.const 0) (local.get $cols)))

  ;; Rows 0 … rowEnd-1 × columns 0 … colEnd-1 (both multiples of 4) of a rows × cols src.
  (func $transposeTiles (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $rowEnd i32) (param $colEnd i32)
    (local $i0 i32) (local $j0 i32) (local $i i32) (local $j i32) (local $iEnd i32) (local $jEnd i32)
    (local $in i32) (local $outAt i32) (local $rowBytes i32) (local $colBytes i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $colBytes (i32.shl (local.get $rows) (i32.const 2)))
    (block $rowsDone
      (loop $rowBlocks
        (br_if $rowsDone (i32.ge_u (local.get $i0) (local.get $rowEnd)))
        (local.set $iEnd (i32.add (local.get $i0) (i32.const 16)))
        (if (i32.gt_u (local.get $iEnd) (local.get $rowEnd)) (then (local.set $iEnd (local.get $rowEnd))))
        (local.set $j0 (i32.const 0))
        (block $colsDone
          (loop $colBlocks
            (br_if $colsDone (i32.ge_u (local.get $j0) (local.get $colEnd)))
            (local.set $jEnd (i32.add (local.get $j0) (i32.const 16)))
            (if (i32.gt_u (local.get $jEnd) (local.get $colEnd)) (then (local.set $jEnd (local.get $colEnd))))
            (local.set $i (local.get $i0))
            (block $tileRowsDone
              (loop $tileRows
                (br_if $tileRowsDone (i32.ge_u (local.get $i) (local.get $iEnd)))
                (local.set $j (local.get $j0))
                (block $tilesDone
                  (loop $tiles
                    (br_if $tilesDone (i32.ge_u (local.get $j) (local.get $jEnd)))
                    ;; rows i … i+3, columns j … j+3 of src
                    (local.set $in (i32.add (local.get $src)
                      (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2))))
                    (local.set $r0 (v128.load (local.get $in)))
                    (local.set $r1 (v128.load (i32.add (local.get $in) (local.get $rowBytes))))
                    (local.set $r2 (v128.load (i32.add (local.get $in) (i32.shl (local.get $rowBytes) (i32.const 1)))))
                    (local.set $r3 (v128.load (i32.add (local.get $in) (i32.mul (local.get $rowBytes) (i32.const 3)))))
                    ;; t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3, t2 = c0 d0 c1 d1, t3 = c2 d2 c3 d3
                    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
                    (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
                    (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
                    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
                    ;; rows j … j+3 of dst, columns i … i+3
                    (local.set $outAt (i32.add (local.get $dst)
                      (i32.shl (i32.add (i32.mul (local.get $j) (local.get $rows)) (local.get $i)) (i32.const 2))))
                    (v128.store (local.get $outAt)
                      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                    (v128.store (i32.add (local.get $outAt) (local.get $colBytes))
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                    (v128.store (i32.add (local.get $outAt) (i32.shl (local.get $colBytes) (i32.const 1)))
                      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                    (v128.store (i32.add (local.get $outAt) (i32.mul (local.get $colBytes) (i32.const 3)))
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                    (local.set $j (i32.add (local.get $j) (i32.const 4)))
                    (br $tiles)))
                (local.set $i (i32.add (local.get $i) (i32.const 4)))
                (br $tileRows)))
            (local.set $j0 (i32.add (local.get $j0) (i32.const 16)))
            (br $colBlocks)))
        (local.set $i0 (i32.add (local.get $i0) (i32.const 16)))
        (br $rowBlocks))))

  ;; Rows rowFrom … rowTo-1 × columns colFrom … colTo-1 of a rows × cols src, value by value.
  (func $transposeValues (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (param $rowFrom i32) (param $rowTo i32) (param $colFrom i32) (param $colTo i32)
    (local $i0 i32) (local $j0 i32) (local $i i32) (local $j i32) (local $iEnd i32) (local $jEnd i32)
    (local.set $i0 (local.get $rowFrom))
    (block $rowsDone
      (loop $rowBlocks
        (br_if $rowsDone (i32.ge_u (local.get $i0) (local.get $rowTo)))
        (local.set $iEnd (i32.add (local.get $i0) (i32.const 16)))
        (if (i32.gt_u (local.get $iEnd) (local.get $rowTo)) (then (local.set $iEnd (local.get $rowTo))))
        (local.set $j0 (local.get $colFrom))
        (block $colsDone
          (loop $colBlocks
            (br_if $colsDone (i32.ge_u (local.get $j0) (local.get $colTo)))
            (local.set $jEnd (i32.add (local.get $j0) (i32.const 16)))
            (if (i32.gt_u (local.get $jEnd) (local.get $colTo)) (then (local.set $jEnd (local.get $colTo))))
            (local.set $i (local.get $i0))
            (block $blockRowsDone
              (loop $blockRows
                (br_if $blockRowsDone (i32.ge_u (local.get $i) (local.get $iEnd)))
                (local.set $j (local.get $j0))
                (block $blockColsDone
                  (loop $blockCols
                    (br_if $blockColsDone (i32.ge_u (local.get $j) (local.get $jEnd)))
                    (f32.store
                      (i32.add (local.get $dst)
                        (i32.shl (i32.add (i32.mul (local.get $j) (local.get $rows)) (local.get $i)) (i32.const 2)))
                      (f32.load
                        (i32.add (local.get $src)
                          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2)))))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))
                    (br $blockCols)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $blockRows)))
            (local.set $j0 (i32.add (local.get $j0) (i32.const 16)))
            (br $colBlocks)))
        (local.set $i0 (i32.add (local.get $i0) (i32.const 16)))
        (br $rowBlocks))))

  ;; One stripe of the Gram matrix XᵀX, added into a float64 accumulator (padded ×
  ;; padded, row-major): rows i … i+3 × columns j ≥ i, in 4 × 2 tiles, of the
  ;; products of one panel (padded features × R samples, row-major by feature,
  ;; float32; R a multiple of 4). Products and the panel's sums run in float32
  ;; lanes; each tile's sums are added into the accumulator in float64.
  (func (export "gramStripe") (param $panel i32) (param $acc i32) (param $padded i32) (param $R i32) (param $i i32)
    (local $row i32) (local $stride i32) (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $b0 i32) (local $b1 i32) (local $j i32) (local $k i32) (local $o i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $y0 v128) (local $y1 v128) (local $v v128)
    (local.set $row (i32.shl (local.get $R) (i32.const 2)))
    (local.set $stride (i32.shl (local.get $padded) (i32.const 3)))
    (local.set $a0 (i32.add (local.get $panel) (i32.mul (local.get $i) (local.get $row))))
    (local.set $a1 (i32.add (local.get $a0) (local.get $row)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $row)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $row)))
    (local.set $j (local.get $i))
    (block $done
      (loop $columns
        (br_if $done (i32.ge_u (local.get $j) (local.get $padded)))
        (local.set $b0 (i32.add (local.get $panel) (i32.mul (local.get $j) (local.get $row))))
        (local.set $b1 (i32.add (local.get $b0) (local.get $row)))
        (local.set $c00 (v128.const f32x4 0 0 0 0))
        (local.set $c01 (v128.const f32x4 0 0 0 0))
        (local.set $c10 (v128.const f32x4 0 0 0 0))
        (local.set $c11 (v128.const f32x4 0 0 0 0))
        (local.set $c20 (v128.const f32x4 0 0 0 0))
        (local.set $c21 (v128.const f32x4 0 0 0 0))
        (local.set $c30 (v128.const f32x4 0 0 0 0))
        (local.set $c31 (v128.const f32x4 0 0 0 0))
        (local.set $k (i32.const 0))
        (loop $samples
          (local.set $y0 (v128.load (i32.add (local.get $b0) (local.get $k))))
          (local.set $y1 (v128.load (i32.add (local.get $b1) (local.get $k))))
          (local.set $v (v128.load (i32.add (local.get $a0) (local.get $k))))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $v) (local.get $y0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $v) (local.get $y1))))
          (local.set $v (v128.load (i32.add (local.get $a1) (local.get $k))))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $v) (local.get $y0))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $v) (local.get $y1))))
          (local.set $v (v128.load (i32.add (local.get $a2) (local.get $k))))
          (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $v) (local.get $y0))))
          (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $v) (local.get $y1))))
          (local.set $v (v128.load (i32.add (local.get $a3) (local.get $k))))
          (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $v) (local.get $y0))))
          (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $v) (local.get $y1))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br_if $samples (i32.lt_u (local.get $k) (local.get $row))))
        ;; o = acc + (i · padded + j) · 8: the tile's first row, then one accumulator row at a time
        (local.set $o (i32.add (local.get $acc)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $padded)) (local.get $j)) (i32.const 3))))
        (f64.store offset=0 (local.get $o) (f64.add (f64.load offset=0 (local.get $o)) (f64.promote_f32 (call $laneSum (local.get $c00)))))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (f64.promote_f32 (call $laneSum (local.get $c01)))))
        (local.set $o (i32.add (local.get $o) (local.get $stride)))
        (f64.store offset=0 (local.get $o) (f64.add (f64.load offset=0 (local.get $o)) (f64.promote_f32 (call $laneSum (local.get $c10)))))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (f64.promote_f32 (call $laneSum (local.get $c11)))))
        (local.set $o (i32.add (local.get $o) (local.get $stride)))
        (f64.store offset=0 (local.get $o) (f64.add (f64.load offset=0 (local.get $o)) (f64.promote_f32 (call $laneSum (local.get $c20)))))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (f64.promote_f32 (call $laneSum (local.get $c21)))))
        (local.set $o (i32.add (local.get $o) (local.get $stride)))
        (f64.store offset=0 (local.get $o) (f64.add (f64.load offset=0 (local.get $o)) (f64.promote_f32 (call $laneSum (local.get $c30)))))
        (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o)) (f64.promote_f32 (call $laneSum (local.get $c31)))))
        (local.set $o (i32.add (local.get $o) (local.get $stride)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $columns))))

  ;; ((x0 + x1) + x2) + x3
  (func $laneSum (param $x v128) (result f32)
    (f32.add
      (f32.add (f32.add (f32x4.extract_lane 0 (local.get $x)) (f32x4.extract_lane 1 (local.get $x))) (f32x4.extract_lane 2 (local.get $x)))
      (f32x4.extract_lane 3 (local.get $x))))

  ;; ---- The seed method's training step (methods/semantic-mlp-fused.ts) ----
  ;; Dropout → Linear(A→K) → ReLU → Dropout → Linear(K→N) → ReLU, MSE, gradient
  ;; values clipped, AdamW. Weights live in panels of 32 output columns: a layer's
  ;; panel jb holds rows 0 … in-1 of its columns 32 jb … 32 jb + 31, 128 bytes a row,
  ;; so one panel of the output layer (K × 32) stays in cache while the whole batch
  ;; passes through it, forward and backward, and is updated before the next one.
  ;; After ReLU and dropout most hidden values are zero: each row's non-zero
  ;; positions are listed once and the output layer's three products (forward,
  ;; hidden gradient, weight gradient) visit only them. K and N are multiples of 32
  ;; (padding columns carry zero weights, zero targets and so zero gradients).

  ;; h (B × K) = relu(x · W1 + b1) · mask, x (B × A) the dropped-out input,
  ;; w the K / 32 panels of A rows; mask holds 0 or 1 / (1 - p) per hidden value.
  (func (export "mlpHidden") (param $x i32) (param $A i32) (param $w i32) (param $bias i32) (param $mask i32)
    (param $h i32) (param $K i32) (param $B i32)
    (local $jb i32) (local $b i32) (local $a i32) (local $panel i32) (local $xv f32) (local $s v128)
    (local $out i32) (local $wp i32) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
    (block $panelsDone
      (loop $panels
        (br_if $panelsDone (i32.ge_u (i32.shl (local.get $jb) (i32.const 5)) (local.get $K)))
        (local.set $panel (i32.add (local.get $w) (i32.mul (local.get $jb) (i32.shl (local.get $A) (i32.const 7)))))
        (local.set $b (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $b) (local.get $B)))
            (local.set $wp (i32.add (local.get $bias) (i32.shl (local.get $jb) (i32.const 7))))
            (local.set $acc0 (v128.load offset=0 (local.get $wp)))
            (local.set $acc1 (v128.load offset=16 (local.get $wp)))
            (local.set $acc2 (v128.load offset=32 (local.get $wp)))
            (local.set $acc3 (v128.load offset=48 (local.get $wp)))
            (local.set $acc4 (v128.load offset=64 (local.get $wp)))
            (local.set $acc5 (v128.load offset=80 (local.get $wp)))
            (local.set $acc6 (v128.load offset=96 (local.get $wp)))
            (local.set $acc7 (v128.load offset=112 (local.get $wp)))
            (local.set $a (i32.const 0))
            (block $inputsDone
              (loop $inputs
                (br_if $inputsDone (i32.ge_u (local.get $a) (local.get $A)))
                (local.set $xv (f32.load (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $b) (local.get $A)) (local.get $a)) (i32.const 2)))))
                (if (f32.ne (local.get $xv) (f32.const 0))
                  (then
                    (local.set $s (f32x4.splat (local.get $xv)))
                    (local.set $wp (i32.add (local.get $panel) (i32.shl (local.get $a) (i32.const 7))))
                    (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $s) (v128.load offset=0 (local.get $wp)))))
                    (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $wp)))))
                    (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $s) (v128.load offset=32 (local.get $wp)))))
                    (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $s) (v128.load offset=48 (local.get $wp)))))
                    (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $s) (v128.load offset=64 (local.get $wp)))))
                    (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $s) (v128.load offset=80 (local.get $wp)))))
                    (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $s) (v128.load offset=96 (local.get $wp)))))
                    (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $s) (v128.load offset=112 (local.get $wp)))))))
                (local.set $a (i32.add (local.get $a) (i32.const 1)))
                (br $inputs)))
            ;; out: byte offset of h[b, 32 jb] (and of mask[b, 32 jb])
            (local.set $out (i32.shl (i32.add (i32.mul (local.get $b) (local.get $K)) (i32.shl (local.get $jb) (i32.const 5))) (i32.const 2)))
            (v128.store offset=0 (i32.add (local.get $h) (local.get $out)) (f32x4.mul (f32x4.max (local.get $acc0) (v128.const f32x4 0 0 0 0)) (v128.load offset=0 (i32.add (local.get $mask) (local.get $out)))))
            (v128.store offset=16 (i32.add (local.get $h) (local.get $out)) (f32x4.mul (f32x4.max (local.get $acc1) (v128.const f32x4 0 0 0 0)) (v128.load offset=16 (i32.add (local.get $mask) (local.get $out)))))
            (v128.store offset=32 (i32.add (local.get $h) (local.get $out)) (f32x4.mul (f32x4.max (local.get $acc2) (v128.const f32x4 0 0 0 0)) (v128.load offset=32 (i32.add (local.get $mask) (local.get $out)))))
            (v128.store offset=48 (i32.add (local.get $h) (local.get $out)) (f32x4.mul (f32x4.max (local.get $acc3) (v128.const f32x4 0 0 0 0)) (v128.load offset=48 (i32.add (local.get $mask) (local.get $out)))))
            (v128.store offset=64 (i32.add (local.get $h) (local.get $out)) (f32x4.mul (f32x4.max (local.get $acc4) (v128.const f32x4 0 0 0 0)) (v128.load offset=64 (i32.add (local.get $mask) (local.get $out)))))
            (v128.store offset=80 (i32.add (local.get $h) (local.get $out)) (f32x4.mul (f32x4.max (local.get $acc5) (v128.const f32x4 0 0 0 0)) (v128.load offset=80 (i32.add (local.get $mask) (local.get $out)))))
            (v128.store offset=96 (i32.add (local.get $h) (local.get $out)) (f32x4.mul (f32x4.max (local.get $acc6) (v128.const f32x4 0 0 0 0)) (v128.load offset=96 (i32.add (local.get $mask) (local.get $out)))))
            (v128.store offset=112 (i32.add (local.get $h) (local.get $out)) (f32x4.mul (f32x4.max (local.get $acc7) (v128.const f32x4 0 0 0 0)) (v128.load offset=112 (i32.add (local.get $mask) (local.get $out)))))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $rows)))
        (local.set $jb (i32.add (local.get $jb) (i32.const 1)))
        (br $panels))))

  ;; For each row b of h (B × K): idx[b, 0 … count[b]-1] = the positions k where h[b, k] ≠ 0.
  (func (export "mlpNonzero") (param $h i32) (param $K i32) (param $B i32) (param $idx i32) (param $count i32)
    (local $b i32) (local $k i32) (local $n i32) (local $row i32) (local $list i32)
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $row (i32.add (local.get $h) (i32.shl (i32.mul (local.get $b) (local.get $K)) (i32.const 2))))
        (local.set $list (i32.add (local.get $idx) (i32.shl (i32.mul (local.get $b) (local.get $K)) (i32.const 2))))
        (local.set $k (i32.const 0))
        (local.set $n (i32.const 0))
        (block $done
          (loop $scan
            (br_if $done (i32.ge_u (local.get $k) (local.get $K)))
            (if (f32.ne (f32.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2)))) (f32.const 0))
              (then
                (i32.store (i32.add (local.get $list) (i32.shl (local.get $n) (i32.const 2))) (local.get $k))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $scan)))
        (i32.store (i32.add (local.get $count) (i32.shl (local.get $b) (i32.const 2))) (local.get $n))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $rows))))

  ;; The output layer, forward and backward, and its AdamW step, panel by panel:
  ;;   z = h · W2 + b2, y = relu(z), e = y - target, returns Σ e² (over the batch);
  ;;   dz = scale · e · [z > 0]   (scale = 2 / (B · real N): the mean's gradient)
  ;;   dh[b, k] += dz[b] · W2[k] for the listed k (old weights; one float32x4 of
  ;;   partial sums per value, reduced by mlpHiddenBackward)
  ;;   grad = hᵀ · dz over the listed k, bias grad = Σ_b dz, then AdamW on the panel.
  ;; grad: scratch for K × 32 + 32 values. m, v, mb, vb: the moments, laid out like w and b.
  (func (export "mlpOutput") (param $h i32) (param $idx i32) (param $count i32) (param $K i32) (param $B i32)
    (param $w i32) (param $bias i32) (param $target i32) (param $N i32) (param $dh i32) (param $grad i32)
    (param $m i32) (param $v i32) (param $mb i32) (param $vb i32) (param $scale f32)
    (param $decay f32) (param $step f32) (param $invRoot2 f32) (param $b1 f32) (param $b2 f32) (param $b1c f32) (param $b2c f32) (param $eps f32) (param $clip f32)
    (result f32)
    (local $jb i32) (local $b i32) (local $t i32) (local $n i32) (local $k i32) (local $list i32) (local $hRow i32)
    (local $panel i32) (local $panelBytes i32) (local $wp i32) (local $gp i32) (local $p i32) (local $end i32)
    (local $s v128) (local $prod v128) (local $sse v128) (local $vScale v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128) (local $gb0 v128) (local $gb1 v128) (local $gb2 v128) (local $gb3 v128) (local $gb4 v128) (local $gb5 v128) (local $gb6 v128) (local $gb7 v128)
    (local.set $vScale (f32x4.splat (local.get $scale)))
    (local.set $panelBytes (i32.shl (local.get $K) (i32.const 7)))
    (block $panelsDone
      (loop $panels
        (br_if $panelsDone (i32.ge_u (i32.shl (local.get $jb) (i32.const 5)) (local.get $N)))
        (local.set $panel (i32.add (local.get $w) (i32.mul (local.get $jb) (local.get $panelBytes))))
        ;; the panel's gradient starts at zero
        (local.set $p (local.get $grad))
        (local.set $end (i32.add (local.get $grad) (local.get $panelBytes)))
        (block $zeroed
          (loop $zero
            (br_if $zeroed (i32.ge_u (local.get $p) (local.get $end)))
            (v128.store (local.get $p) (v128.const f32x4 0 0 0 0))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $zero)))
        (local.set $gb0 (v128.const f32x4 0 0 0 0))
        (local.set $gb1 (v128.const f32x4 0 0 0 0))
        (local.set $gb2 (v128.const f32x4 0 0 0 0))
        (local.set $gb3 (v128.const f32x4 0 0 0 0))
        (local.set $gb4 (v128.const f32x4 0 0 0 0))
        (local.set $gb5 (v128.const f32x4 0 0 0 0))
        (local.set $gb6 (v128.const f32x4 0 0 0 0))
        (local.set $gb7 (v128.const f32x4 0 0 0 0))
        (local.set $b (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $b) (local.get $B)))
            (local.set $list (i32.add (local.get $idx) (i32.shl (i32.mul (local.get $b) (local.get $K)) (i32.const 2))))
            (local.set $hRow (i32.add (local.get $h) (i32.shl (i32.mul (local.get $b) (local.get $K)) (i32.const 2))))
            (local.set $n (i32.load (i32.add (local.get $count) (i32.shl (local.get $b) (i32.const 2)))))
            (local.set $wp (i32.add (local.get $bias) (i32.shl (local.get $jb) (i32.const 7))))
            (local.set $acc0 (v128.load offset=0 (local.get $wp)))
            (local.set $acc1 (v128.load offset=16 (local.get $wp)))
            (local.set $acc2 (v128.load offset=32 (local.get $wp)))
            (local.set $acc3 (v128.load offset=48 (local.get $wp)))
            (local.set $acc4 (v128.load offset=64 (local.get $wp)))
            (local.set $acc5 (v128.load offset=80 (local.get $wp)))
            (local.set $acc6 (v128.load offset=96 (local.get $wp)))
            (local.set $acc7 (v128.load offset=112 (local.get $wp)))
            ;; forward: the listed hidden values only
            (local.set $t (i32.const 0))
            (block $forwardDone
              (loop $forward
                (br_if $forwardDone (i32.ge_u (local.get $t) (local.get $n)))
                (local.set $k (i32.load (i32.add (local.get $list) (i32.shl (local.get $t) (i32.const 2)))))
                (local.set $s (v128.load32_splat (i32.add (local.get $hRow) (i32.shl (local.get $k) (i32.const 2)))))
                (local.set $wp (i32.add (local.get $panel) (i32.shl (local.get $k) (i32.const 7))))
                (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $s) (v128.load offset=0 (local.get $wp)))))
                (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $wp)))))
                (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $s) (v128.load offset=32 (local.get $wp)))))
                (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $s) (v128.load offset=48 (local.get $wp)))))
                (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $s) (v128.load offset=64 (local.get $wp)))))
                (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $s) (v128.load offset=80 (local.get $wp)))))
                (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $s) (v128.load offset=96 (local.get $wp)))))
                (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $s) (v128.load offset=112 (local.get $wp)))))
                (local.set $t (i32.add (local.get $t) (i32.const 1)))
                (br $forward)))
            ;; the loss and dz (kept in acc), the bias gradient
            (local.set $wp (i32.add (local.get $target) (i32.shl (i32.add (i32.mul (local.get $b) (local.get $N)) (i32.shl (local.get $jb) (i32.const 5))) (i32.const 2))))
            (local.set $prod (f32x4.sub (f32x4.max (local.get $acc0) (v128.const f32x4 0 0 0 0)) (v128.load offset=0 (local.get $wp))))
            (local.set $sse (f32x4.add (local.get $sse) (f32x4.mul (local.get $prod) (local.get $prod))))
            (local.set $acc0 (v128.and (f32x4.mul (local.get $prod) (local.get $vScale)) (f32x4.gt (local.get $acc0) (v128.const f32x4 0 0 0 0))))
            (local.set $gb0 (f32x4.add (local.get $gb0) (local.get $acc0)))
            (local.set $prod (f32x4.sub (f32x4.max (local.get $acc1) (v128.const f32x4 0 0 0 0)) (v128.load offset=16 (local.get $wp))))
            (local.set $sse (f32x4.add (local.get $sse) (f32x4.mul (local.get $prod) (local.get $prod))))
            (local.set $acc1 (v128.and (f32x4.mul (local.get $prod) (local.get $vScale)) (f32x4.gt (local.get $acc1) (v128.const f32x4 0 0 0 0))))
            (local.set $gb1 (f32x4.add (local.get $gb1) (local.get $acc1)))
            (local.set $prod (f32x4.sub (f32x4.max (local.get $acc2) (v128.const f32x4 0 0 0 0)) (v128.load offset=32 (local.get $wp))))
            (local.set $sse (f32x4.add (local.get $sse) (f32x4.mul (local.get $prod) (local.get $prod))))
            (local.set $acc2 (v128.and (f32x4.mul (local.get $prod) (local.get $vScale)) (f32x4.gt (local.get $acc2) (v128.const f32x4 0 0 0 0))))
            (local.set $gb2 (f32x4.add (local.get $gb2) (local.get $acc2)))
            (local.set $prod (f32x4.sub (f32x4.max (local.get $acc3) (v128.const f32x4 0 0 0 0)) (v128.load offset=48 (local.get $wp))))
            (local.set $sse (f32x4.add (local.get $sse) (f32x4.mul (local.get $prod) (local.get $prod))))
            (local.set $acc3 (v128.and (f32x4.mul (local.get $prod) (local.get $vScale)) (f32x4.gt (local.get $acc3) (v128.const f32x4 0 0 0 0))))
            (local.set $gb3 (f32x4.add (local.get $gb3) (local.get $acc3)))
            (local.set $prod (f32x4.sub (f32x4.max (local.get $acc4) (v128.const f32x4 0 0 0 0)) (v128.load offset=64 (local.get $wp))))
            (local.set $sse (f32x4.add (local.get $sse) (f32x4.mul (local.get $prod) (local.get $prod))))
            (local.set $acc4 (v128.and (f32x4.mul (local.get $prod) (local.get $vScale)) (f32x4.gt (local.get $acc4) (v128.const f32x4 0 0 0 0))))
            (local.set $gb4 (f32x4.add (local.get $gb4) (local.get $acc4)))
            (local.set $prod (f32x4.sub (f32x4.max (local.get $acc5) (v128.const f32x4 0 0 0 0)) (v128.load offset=80 (local.get $wp))))
            (local.set $sse (f32x4.add (local.get $sse) (f32x4.mul (local.get $prod) (local.get $prod))))
            (local.set $acc5 (v128.and (f32x4.mul (local.get $prod) (local.get $vScale)) (f32x4.gt (local.get $acc5) (v128.const f32x4 0 0 0 0))))
            (local.set $gb5 (f32x4.add (local.get $gb5) (local.get $acc5)))
            (local.set $prod (f32x4.sub (f32x4.max (local.get $acc6) (v128.const f32x4 0 0 0 0)) (v128.load offset=96 (local.get $wp))))
            (local.set $sse (f32x4.add (local.get $sse) (f32x4.mul (local.get $prod) (local.get $prod))))
            (local.set $acc6 (v128.and (f32x4.mul (local.get $prod) (local.get $vScale)) (f32x4.gt (local.get $acc6) (v128.const f32x4 0 0 0 0))))
            (local.set $gb6 (f32x4.add (local.get $gb6) (local.get $acc6)))
            (local.set $prod (f32x4.sub (f32x4.max (local.get $acc7) (v128.const f32x4 0 0 0 0)) (v128.load offset=112 (local.get $wp))))
            (local.set $sse (f32x4.add (local.get $sse) (f32x4.mul (local.get $prod) (local.get $prod))))
            (local.set $acc7 (v128.and (f32x4.mul (local.get $prod) (local.get $vScale)) (f32x4.gt (local.get $acc7) (v128.const f32x4 0 0 0 0))))
            (local.set $gb7 (f32x4.add (local.get $gb7) (local.get $acc7)))
            ;; backward: the hidden gradient (old weights) and the weight gradient, listed values only
            (local.set $t (i32.const 0))
            (block $backwardDone
              (loop $backward
                (br_if $backwardDone (i32.ge_u (local.get $t) (local.get $n)))
                (local.set $k (i32.load (i32.add (local.get $list) (i32.shl (local.get $t) (i32.const 2)))))
                (local.set $wp (i32.add (local.get $panel) (i32.shl (local.get $k) (i32.const 7))))
                (local.set $prod (f32x4.mul (local.get $acc0) (v128.load offset=0 (local.get $wp))))
                (local.set $prod (f32x4.add (local.get $prod) (f32x4.mul (local.get $acc1) (v128.load offset=16 (local.get $wp)))))
                (local.set $prod (f32x4.add (local.get $prod) (f32x4.mul (local.get $acc2) (v128.load offset=32 (local.get $wp)))))
                (local.set $prod (f32x4.add (local.get $prod) (f32x4.mul (local.get $acc3) (v128.load offset=48 (local.get $wp)))))
                (local.set $prod (f32x4.add (local.get $prod) (f32x4.mul (local.get $acc4) (v128.load offset=64 (local.get $wp)))))
                (local.set $prod (f32x4.add (local.get $prod) (f32x4.mul (local.get $acc5) (v128.load offset=80 (local.get $wp)))))
                (local.set $prod (f32x4.add (local.get $prod) (f32x4.mul (local.get $acc6) (v128.load offset=96 (local.get $wp)))))
                (local.set $prod (f32x4.add (local.get $prod) (f32x4.mul (local.get $acc7) (v128.load offset=112 (local.get $wp)))))
                (local.set $p (i32.add (local.get $dh) (i32.shl (i32.add (i32.mul (local.get $b) (local.get $K)) (local.get $k)) (i32.const 4))))
                (v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (local.get $prod)))
                (local.set $s (v128.load32_splat (i32.add (local.get $hRow) (i32.shl (local.get $k) (i32.const 2)))))
                (local.set $gp (i32.add (local.get $grad) (i32.shl (local.get $k) (i32.const 7))))
                (v128.store offset=0 (local.get $gp) (f32x4.add (v128.load offset=0 (local.get $gp)) (f32x4.mul (local.get $s) (local.get $acc0))))
                (v128.store offset=16 (local.get $gp) (f32x4.add (v128.load offset=16 (local.get $gp)) (f32x4.mul (local.get $s) (local.get $acc1))))
                (v128.store offset=32 (local.get $gp) (f32x4.add (v128.load offset=32 (local.get $gp)) (f32x4.mul (local.get $s) (local.get $acc2))))
                (v128.store offset=48 (local.get $gp) (f32x4.add (v128.load offset=48 (local.get $gp)) (f32x4.mul (local.get $s) (local.get $acc3))))
                (v128.store offset=64 (local.get $gp) (f32x4.add (v128.load offset=64 (local.get $gp)) (f32x4.mul (local.get $s) (local.get $acc4))))
                (v128.store offset=80 (local.get $gp) (f32x4.add (v128.load offset=80 (local.get $gp)) (f32x4.mul (local.get $s) (local.get $acc5))))
                (v128.store offset=96 (local.get $gp) (f32x4.add (v128.load offset=96 (local.get $gp)) (f32x4.mul (local.get $s) (local.get $acc6))))
                (v128.store offset=112 (local.get $gp) (f32x4.add (v128.load offset=112 (local.get $gp)) (f32x4.mul (local.get $s) (local.get $acc7))))
                (local.set $t (i32.add (local.get $t) (i32.const 1)))
                (br $backward)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $rows)))
        ;; AdamW on the panel, then on its 32 biases (their gradient after the panel's)
        (call $adamw (local.get $panel) (local.get $grad)
          (i32.add (local.get $m) (i32.mul (local.get $jb) (local.get $panelBytes)))
          (i32.add (local.get $v) (i32.mul (local.get $jb) (local.get $panelBytes)))
          (local.get $panel) (i32.shl (local.get $K) (i32.const 5))
          (local.get $decay) (local.get $step) (local.get $invRoot2) (local.get $b1) (local.get $b2) (local.get $b1c) (local.get $b2c) (local.get $eps) (local.get $clip))
        (local.set $gp (i32.add (local.get $grad) (local.get $panelBytes)))
        (v128.store offset=0 (local.get $gp) (local.get $gb0))
        (v128.store offset=16 (local.get $gp) (local.get $gb1))
        (v128.store offset=32 (local.get $gp) (local.get $gb2))
        (v128.store offset=48 (local.get $gp) (local.get $gb3))
        (v128.store offset=64 (local.get $gp) (local.get $gb4))
        (v128.store offset=80 (local.get $gp) (local.get $gb5))
        (v128.store offset=96 (local.get $gp) (local.get $gb6))
        (v128.store offset=112 (local.get $gp) (local.get $gb7))
        (local.set $p (i32.shl (local.get $jb) (i32.const 7)))
        (call $adamw (i32.add (local.get $bias) (local.get $p)) (local.get $gp)
          (i32.add (local.get $mb) (local.get $p)) (i32.add (local.get $vb) (local.get $p))
          (i32.add (local.get $bias) (local.get $p)) (i32.const 32)
          (local.get $decay) (local.get $step) (local.get $invRoot2) (local.get $b1) (local.get $b2) (local.get $b1c) (local.get $b2c) (local.get $eps) (local.get $clip))
        (local.set $jb (i32.add (local.get $jb) (i32.const 1)))
        (br $panels)))
    (call $laneSum (local.get $sse)))

  ;; The hidden layer's backward pass and AdamW step: dpre[b, k] = Σ lanes dh[b, k] ·
  ;; mask[b, k] at the listed k (elsewhere 0, as ReLU or dropout zeroed the value),
  ;; dh cleared there for the next step; then per panel grad = xᵀ · dpre, bias grad
  ;; = Σ_b dpre, and AdamW. grad: scratch for A × 32 + 32 values.
  (func (export "mlpHiddenBackward") (param $x i32) (param $A i32) (param $w i32) (param $bias i32) (param $mask i32)
    (param $idx i32) (param $count i32) (param $dh i32) (param $dpre i32) (param $K i32) (param $B i32) (param $grad i32)
    (param $m i32) (param $v i32) (param $mb i32) (param $vb i32)
    (param $decay f32) (param $step f32) (param $invRoot2 f32) (param $b1 f32) (param $b2 f32) (param $b1c f32) (param $b2c f32) (param $eps f32) (param $clip f32)
    (local $jb i32) (local $b i32) (local $t i32) (local $n i32) (local $k i32) (local $a i32) (local $list i32)
    (local $p i32) (local $end i32) (local $at i32) (local $panel i32) (local $panelBytes i32) (local $xv f32) (local $s v128)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128) (local $d4 v128) (local $d5 v128) (local $d6 v128) (local $d7 v128) (local $gb0 v128) (local $gb1 v128) (local $gb2 v128) (local $gb3 v128) (local $gb4 v128) (local $gb5 v128) (local $gb6 v128) (local $gb7 v128)
    ;; dpre, row by row
    (local.set $p (local.get $dpre))
    (local.set $end (i32.add (local.get $dpre) (i32.shl (i32.mul (local.get $B) (local.get $K)) (i32.const 2))))
    (block $zeroed
      (loop $zero
        (br_if $zeroed (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store (local.get $p) (v128.const f32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $zero)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $b) (local.get $B)))
        (local.set $list (i32.add (local.get $idx) (i32.shl (i32.mul (local.get $b) (local.get $K)) (i32.const 2))))
        (local.set $n (i32.load (i32.add (local.get $count) (i32.shl (local.get $b) (i32.const 2)))))
        (local.set $t (i32.const 0))
        (block $listDone
          (loop $listed
            (br_if $listDone (i32.ge_u (local.get $t) (local.get $n)))
            (local.set $k (i32.add (i32.mul (local.get $b) (local.get $K))
              (i32.load (i32.add (local.get $list) (i32.shl (local.get $t) (i32.const 2))))))
            (local.set $p (i32.add (local.get $dh) (i32.shl (local.get $k) (i32.const 4))))
            (local.set $at (i32.shl (local.get $k) (i32.const 2)))
            (f32.store (i32.add (local.get $dpre) (local.get $at))
              (f32.mul (call $laneSum (v128.load (local.get $p))) (f32.load (i32.add (local.get $mask) (local.get $at)))))
            (v128.store (local.get $p) (v128.const f32x4 0 0 0 0))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $listed)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $rows)))
    (local.set $panelBytes (i32.shl (local.get $A) (i32.const 7)))
    (block $panelsDone
      (loop $panels
        (br_if $panelsDone (i32.ge_u (i32.shl (local.get $jb) (i32.const 5)) (local.get $K)))
        (local.set $panel (i32.add (local.get $w) (i32.mul (local.get $jb) (local.get $panelBytes))))
        (local.set $p (local.get $grad))
        (local.set $end (i32.add (local.get $grad) (local.get $panelBytes)))
        (block $gradZeroed
          (loop $gradZero
            (br_if $gradZeroed (i32.ge_u (local.get $p) (local.get $end)))
            (v128.store (local.get $p) (v128.const f32x4 0 0 0 0))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $gradZero)))
        (local.set $gb0 (v128.const f32x4 0 0 0 0))
        (local.set $gb1 (v128.const f32x4 0 0 0 0))
        (local.set $gb2 (v128.const f32x4 0 0 0 0))
        (local.set $gb3 (v128.const f32x4 0 0 0 0))
        (local.set $gb4 (v128.const f32x4 0 0 0 0))
        (local.set $gb5 (v128.const f32x4 0 0 0 0))
        (local.set $gb6 (v128.const f32x4 0 0 0 0))
        (local.set $gb7 (v128.const f32x4 0 0 0 0))
        (local.set $b (i32.const 0))
        (block $batchDone
          (loop $batch
            (br_if $batchDone (i32.ge_u (local.get $b) (local.get $B)))
            (local.set $p (i32.add (local.get $dpre) (i32.shl (i32.add (i32.mul (local.get $b) (local.get $K)) (i32.shl (local.get $jb) (i32.const 5))) (i32.const 2))))
            (local.set $d0 (v128.load offset=0 (local.get $p)))
            (local.set $gb0 (f32x4.add (local.get $gb0) (local.get $d0)))
            (local.set $d1 (v128.load offset=16 (local.get $p)))
            (local.set $gb1 (f32x4.add (local.get $gb1) (local.get $d1)))
            (local.set $d2 (v128.load offset=32 (local.get $p)))
            (local.set $gb2 (f32x4.add (local.get $gb2) (local.get $d2)))
            (local.set $d3 (v128.load offset=48 (local.get $p)))
            (local.set $gb3 (f32x4.add (local.get $gb3) (local.get $d3)))
            (local.set $d4 (v128.load offset=64 (local.get $p)))
            (local.set $gb4 (f32x4.add (local.get $gb4) (local.get $d4)))
            (local.set $d5 (v128.load offset=80 (local.get $p)))
            (local.set $gb5 (f32x4.add (local.get $gb5) (local.get $d5)))
            (local.set $d6 (v128.load offset=96 (local.get $p)))
            (local.set $gb6 (f32x4.add (local.get $gb6) (local.get $d6)))
            (local.set $d7 (v128.load offset=112 (local.get $p)))
            (local.set $gb7 (f32x4.add (local.get $gb7) (local.get $d7)))
            (local.set $a (i32.const 0))
            (block $inputsDone
              (loop $inputs
                (br_if $inputsDone (i32.ge_u (local.get $a) (local.get $A)))
                (local.set $xv (f32.load (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $b) (local.get $A)) (local.get $a)) (i32.const 2)))))
                (if (f32.ne (local.get $xv) (f32.const 0))
                  (then
                    (local.set $s (f32x4.splat (local.get $xv)))
                    (local.set $p (i32.add (local.get $grad) (i32.shl (local.get $a) (i32.const 7))))
                    (v128.store offset=0 (local.get $p) (f32x4.add (v128.load offset=0 (local.get $p)) (f32x4.mul (local.get $s) (local.get $d0))))
                    (v128.store offset=16 (local.get $p) (f32x4.add (v128.load offset=16 (local.get $p)) (f32x4.mul (local.get $s) (local.get $d1))))
                    (v128.store offset=32 (local.get $p) (f32x4.add (v128.load offset=32 (local.get $p)) (f32x4.mul (local.get $s) (local.get $d2))))
                    (v128.store offset=48 (local.get $p) (f32x4.add (v128.load offset=48 (local.get $p)) (f32x4.mul (local.get $s) (local.get $d3))))
                    (v128.store offset=64 (local.get $p) (f32x4.add (v128.load offset=64 (local.get $p)) (f32x4.mul (local.get $s) (local.get $d4))))
                    (v128.store offset=80 (local.get $p) (f32x4.add (v128.load offset=80 (local.get $p)) (f32x4.mul (local.get $s) (local.get $d5))))
                    (v128.store offset=96 (local.get $p) (f32x4.add (v128.load offset=96 (local.get $p)) (f32x4.mul (local.get $s) (local.get $d6))))
                    (v128.store offset=112 (local.get $p) (f32x4.add (v128.load offset=112 (local.get $p)) (f32x4.mul (local.get $s) (local.get $d7))))))
                (local.set $a (i32.add (local.get $a) (i32.const 1)))
                (br $inputs)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $batch)))
        (call $adamw (local.get $panel) (local.get $grad)
          (i32.add (local.get $m) (i32.mul (local.get $jb) (local.get $panelBytes)))
          (i32.add (local.get $v) (i32.mul (local.get $jb) (local.get $panelBytes)))
          (local.get $panel) (i32.shl (local.get $A) (i32.const 5))
          (local.get $decay) (local.get $step) (local.get $invRoot2) (local.get $b1) (local.get $b2) (local.get $b1c) (local.get $b2c) (local.get $eps) (local.get $clip))
        (local.set $p (i32.add (local.get $grad) (local.get $panelBytes)))
        (v128.store offset=0 (local.get $p) (local.get $gb0))
        (v128.store offset=16 (local.get $p) (local.get $gb1))
        (v128.store offset=32 (local.get $p) (local.get $gb2))
        (v128.store offset=48 (local.get $p) (local.get $gb3))
        (v128.store offset=64 (local.get $p) (local.get $gb4))
        (v128.store offset=80 (local.get $p) (local.get $gb5))
        (v128.store offset=96 (local.get $p) (local.get $gb6))
        (v128.store offset=112 (local.get $p) (local.get $gb7))
        (local.set $at (i32.shl (local.get $jb) (i32.const 7)))
        (call $adamw (i32.add (local.get $bias) (local.get $at)) (local.get $p)
          (i32.add (local.get $mb) (local.get $at)) (i32.add (local.get $vb) (local.get $at))
          (i32.add (local.get $bias) (local.get $at)) (i32.const 32)
          (local.get $decay) (local.get $step) (local.get $invRoot2) (local.get $b1) (local.get $b2) (local.get $b1c) (local.get $b2c) (local.get $eps) (local.get $clip))
        (local.set $jb (i32.add (local.get $jb) (i32.const 1)))
        (br $panels))))
)
