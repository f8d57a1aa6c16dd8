/**
 * @file The WebAssembly SIMD (f64x2) matrix kernels as WAT text, generated: register-blocked
 * tiles of several shapes are the same loop written out for each shape, which WAT cannot
 * abstract. scripts/build-wasm.ts assembles this text into src/engine/simd-wasm.ts.
 *
 * Exports (all arguments are element offsets or sizes; z, a, b row-major):
 *   matmul(a, b, z, m, k, n, acc)     z (+)= a·b      a [m,k], b [k,n]
 *   matmulTN(a, b, z, m, k, n)        z  += aᵀ·b      a [k,m], b [k,n]
 *   matmulNT(a, b, z, m, k, n, acc)   z (+)= a·bᵀ     a [m,k], b [n,k]
 *   im2col(x, z, C, H, W, kh, kw, s, mode)   patches of x [C,H,W] into z, or back (mode 2)
 *   tanh(x, z, n, deriv)              z = tanh(x) (and 1 − tanh² after it)
 *   copy(x, z, n, acc), scale(c, x, z, n, acc), mul(a, b, z, n, acc), mul3(a, b, c, z, n, acc)
 *                                     z (+)= x, c·x, a⊙b, (a⊙b)⊙c elementwise
 *
 * Why tiles: a product of a row of a by a column block of b that keeps a 4×4 (or 2×4) block of z
 * in registers loads each operand once per several multiply-adds, where the axpy/dot loops
 * reloaded z (or both operands) for every one; measured on the convnet's shapes in
 * bench/engine.ts.
 *
 * Every entry of z is summed in the same order whatever tile computed it, so a result does not
 * depend on the matrix sizes around it (a batch of samples gives each sample's numbers exactly):
 * - matmul / matmulTN: z_ij = (((z_ij or 0) + a_i0·b_0j) + a_i1·b_1j) + … in k order, one lane per
 *   entry (a vector lane and a scalar do the same IEEE operations);
 * - matmulNT: two partial sums over even and odd k, added, then the last term when k is odd,
 *   then z_ij when accumulating.
 */

const ind = (s: string, n = 2) => s.split('\n').map((l) => (l ? ' '.repeat(n) + l : l)).join('\n');

/** An a·b tile of R rows × C columns (C/2 vectors per row, or C = 1: a scalar). */
function nnTile(R: number, C: number): string {
  const rows = [...Array(R).keys()];
  const vecs = C === 1 ? [] : [...Array(C / 2).keys()];
  const scalar = C === 1;
  const accs = rows.flatMap((q) => (scalar ? [`$c${q}`] : vecs.map((v) => `$c${q}_${v}`)));
  const locals = [
    ...rows.map((q) => `(local $p${q} i32)`),
    ...accs.map((c) => `(local ${c} ${scalar ? 'f64' : 'v128'})`),
    scalar ? '(local $b f64)' : vecs.map((v) => `(local $b${v} v128)`).join(' '),
    scalar ? '' : '(local $s v128)',
    '(local $end i32)',
  ].filter(Boolean);
  const zAddr = (q: number) => (q === 0 ? '(local.get $pz)' : `(i32.add (local.get $pz) (i32.mul (local.get $rowb) (i32.const ${q})))`);
  let init = '', store = '';
  for (const q of rows) {
    if (scalar) {
      init += `(local.set $c${q} (if (result f64) (local.get $acc) (then (f64.load ${zAddr(q)})) (else (f64.const 0))))\n`;
      store += `(f64.store ${zAddr(q)} (local.get $c${q}))\n`;
    } else {
      for (const v of vecs) {
        init += `(local.set $c${q}_${v} (if (result v128) (local.get $acc) (then (v128.load offset=${16 * v} ${zAddr(q)})) (else (v128.const f64x2 0 0))))\n`;
        store += `(v128.store offset=${16 * v} ${zAddr(q)} (local.get $c${q}_${v}))\n`;
      }
    }
  }
  let body = scalar ? '(local.set $b (f64.load (local.get $pb)))\n' : vecs.map((v) => `(local.set $b${v} (v128.load offset=${16 * v} (local.get $pb)))\n`).join('');
  for (const q of rows) {
    if (scalar) {
      body += `(local.set $c${q} (f64.add (local.get $c${q}) (f64.mul (f64.load (local.get $p${q})) (local.get $b))))\n`;
    } else {
      body += `(local.set $s (f64x2.splat (f64.load (local.get $p${q}))))\n`;
      for (const v of vecs) body += `(local.set $c${q}_${v} (f64x2.add (local.get $c${q}_${v}) (f64x2.mul (local.get $s) (local.get $b${v}))))\n`;
    }
    body += `(local.set $p${q} (i32.add (local.get $p${q}) (local.get $sar)))\n`;
  }
  body += '(local.set $pb (i32.add (local.get $pb) (local.get $rowb)))\n';
  const setRows = rows.map((q) => `(local.set $p${q} ${q === 0 ? '(local.get $pa)' : `(i32.add (local.get $p${q - 1}) (local.get $sai))`})`).join('\n');
  return `
;; z[R=${R} rows, C=${C} cols] (+)= a·b: a rows at pa (row stride sai, column stride sar, bytes), b at pb, z at pz (row stride rowb)
(func $nn_${R}_${C} (param $pa i32) (param $sai i32) (param $sar i32) (param $pb i32) (param $pz i32) (param $k i32) (param $rowb i32) (param $acc i32)
${ind(locals.join(' '))}
${ind(setRows)}
${ind(init.trimEnd())}
  (local.set $end (i32.add (local.get $pb) (i32.mul (local.get $k) (local.get $rowb))))
  (block $done (loop $l
    (br_if $done (i32.ge_u (local.get $pb) (local.get $end)))
${ind(body.trimEnd(), 4)}
    (br $l)))
${ind(store.trimEnd())})`;
}

/** Tile sizes from `main` down by halves to 1: the main size loops, each smaller one covers a remainder at most once. */
const halves = (main: number) => {
  const out = [main];
  while (out[out.length - 1]! > 1) out.push(out[out.length - 1]! / 2);
  return out;
};

/** `call(size)` for tiles of `main`, then of each half, stepping `index` up to `limit`. */
function tiled(main: number, index: string, limit: string, call: (size: number) => string, label: string): string {
  return halves(main).map((size, t) => {
    const fits = `(i32.le_u (i32.add (local.get ${index}) (i32.const ${size})) (local.get ${limit}))`;
    const step = `(local.set ${index} (i32.add (local.get ${index}) (i32.const ${size})))`;
    return t === 0
      ? `(block $${label}d (loop $${label}l\n  (br_if $${label}d (i32.eqz ${fits}))\n  ${call(size)}\n  ${step}\n  (br $${label}l)))`
      : `(if ${fits} (then\n  ${call(size)}\n  ${step}))`;
  }).join('\n');
}

/** The band of R rows of z (+)= a·b: column tiles of C, then of its halves. */
function nnBand(R: number, C: number): string {
  const call = (c: number) => `(call $nn_${R}_${c} (local.get $pa) (local.get $sai) (local.get $sar) (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))) (i32.add (local.get $pz) (i32.shl (local.get $j) (i32.const 3))) (local.get $k) (local.get $rowb) (local.get $acc))`;
  return `
(func $nn_band_${R} (param $pa i32) (param $sai i32) (param $sar i32) (param $b i32) (param $pz i32) (param $k i32) (param $n i32) (param $rowb i32) (param $acc i32)
  (local $j i32)
${ind(tiled(C, '$j', '$n', call, 'c'))})`;
}

/** z (+)= a·b with a read at a + i·sai + r·sar (bytes): matmul (sai = 8k, sar = 8) and matmulTN (sai = 8, sar = 8m). */
function gemm(R: number): string {
  const call = (r: number) => `(call $nn_band_${r} (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sai))) (local.get $sai) (local.get $sar) (local.get $b)
    (i32.add (local.get $z) (i32.mul (local.get $i) (local.get $rowb))) (local.get $k) (local.get $n) (local.get $rowb) (local.get $acc))`;
  return `
(func $gemm (param $a i32) (param $sai i32) (param $sar i32) (param $b i32) (param $z i32) (param $m i32) (param $k i32) (param $n i32) (param $acc i32)
  (local $i i32) (local $rowb i32)
  (local.set $rowb (i32.shl (local.get $n) (i32.const 3)))
${ind(tiled(R, '$i', '$m', call, 'r'))})`;
}

/** An a·bᵀ tile: R rows of a (at pa, pa + rowk) against C rows of b, each entry a two-lane dot. */
function ntTile(R: number, C: number): string {
  const rs = [...Array(R).keys()], cs = [...Array(C).keys()];
  const locals = [
    ...rs.map((q) => `(local $a${q} i32)`),
    ...cs.map((c) => `(local $b${c} i32)`),
    ...rs.flatMap((q) => cs.map((c) => `(local $s${q}_${c} v128)`)),
    ...rs.map((q) => `(local $x${q} v128)`),
    '(local $y v128) (local $t f64) (local $end i32) (local $odd i32)',
  ];
  const setPtrs = [
    ...rs.map((q) => `(local.set $a${q} ${q === 0 ? '(local.get $pa)' : `(i32.add (local.get $a${q - 1}) (local.get $rowk))`})`),
    ...cs.map((c) => `(local.set $b${c} ${c === 0 ? '(local.get $pb)' : `(i32.add (local.get $b${c - 1}) (local.get $rowk))`})`),
  ].join('\n');
  let body = rs.map((q) => `(local.set $x${q} (v128.load (local.get $a${q})))\n`).join('');
  for (const c of cs) {
    body += `(local.set $y (v128.load (local.get $b${c})))\n`;
    for (const q of rs) body += `(local.set $s${q}_${c} (f64x2.add (local.get $s${q}_${c}) (f64x2.mul (local.get $x${q}) (local.get $y))))\n`;
  }
  body += [...rs.map((q) => `(local.set $a${q} (i32.add (local.get $a${q}) (i32.const 16)))`), ...cs.map((c) => `(local.set $b${c} (i32.add (local.get $b${c}) (i32.const 16)))`)].join('\n');
  let fin = '';
  for (const q of rs) {
    for (const c of cs) {
      const zAddr = `(i32.add (local.get $pz) (i32.const ${c * 8}))`;
      const zq = q === 0 ? zAddr : `(i32.add ${zAddr} (i32.mul (local.get $rowz) (i32.const ${q})))`;
      fin += `(local.set $t (f64.add (f64x2.extract_lane 0 (local.get $s${q}_${c})) (f64x2.extract_lane 1 (local.get $s${q}_${c}))))
(if (local.get $odd) (then (local.set $t (f64.add (local.get $t) (f64.mul (f64.load (local.get $a${q})) (f64.load (local.get $b${c})))))))
(if (local.get $acc) (then (local.set $t (f64.add (local.get $t) (f64.load ${zq})))))
(f64.store ${zq} (local.get $t))\n`;
    }
  }
  return `
;; z[R=${R}, C=${C}] (+)= a·bᵀ: rows of a at pa (stride rowk bytes), rows of b at pb (stride rowk), z at pz (row stride rowz)
(func $nt_${R}_${C} (param $pa i32) (param $pb i32) (param $pz i32) (param $k i32) (param $rowk i32) (param $rowz i32) (param $acc i32)
${ind(locals.join(' '))}
${ind(setPtrs)}
  (local.set $odd (i32.and (local.get $k) (i32.const 1)))
  (local.set $end (i32.add (local.get $pa) (i32.shl (i32.and (local.get $k) (i32.const -2)) (i32.const 3))))
  (block $done (loop $l
    (br_if $done (i32.ge_u (local.get $a0) (local.get $end)))
${ind(body.trimEnd(), 4)}
    (br $l)))
${ind(fin.trimEnd())})`;
}

/** z (+)= a·bᵀ: row bands of R (then halves), each in column tiles of C (then halves). */
function matmulNT(R: number, C: number): string {
  const bands = halves(R).map((r) => {
    const call = (c: number) => `(call $nt_${r}_${c} (local.get $pa) (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $rowk))) (i32.add (local.get $pz) (i32.shl (local.get $j) (i32.const 3))) (local.get $k) (local.get $rowk) (local.get $rowz) (local.get $acc))`;
    return `
(func $nt_band_${r} (param $pa i32) (param $b i32) (param $pz i32) (param $k i32) (param $n i32) (param $rowk i32) (param $rowz i32) (param $acc i32)
  (local $j i32)
${ind(tiled(C, '$j', '$n', call, 'c'))})`;
  }).join('');
  const call = (r: number) => `(call $nt_band_${r} (i32.add (local.get $pa) (i32.mul (local.get $i) (local.get $rowk))) (i32.shl (local.get $b) (i32.const 3)) (i32.add (local.get $pz) (i32.mul (local.get $i) (local.get $rowz))) (local.get $k) (local.get $n) (local.get $rowk) (local.get $rowz) (local.get $acc))`;
  return `${bands}
(func (export "matmulNT") (param $a i32) (param $b i32) (param $z i32) (param $m i32) (param $k i32) (param $n i32) (param $acc i32)
  (local $i i32) (local $rowk i32) (local $rowz i32) (local $pa i32) (local $pz i32)
  (local.set $rowk (i32.shl (local.get $k) (i32.const 3)))
  (local.set $rowz (i32.shl (local.get $n) (i32.const 3)))
  (local.set $pa (i32.shl (local.get $a) (i32.const 3)))
  (local.set $pz (i32.shl (local.get $z) (i32.const 3)))
${ind(tiled(R, '$i', '$m', call, 'r'))})`;
}

const exports = `
(func (export "matmul") (param $a i32) (param $b i32) (param $z i32) (param $m i32) (param $k i32) (param $n i32) (param $acc i32)
  (call $gemm (i32.shl (local.get $a) (i32.const 3)) (i32.shl (local.get $k) (i32.const 3)) (i32.const 8)
    (i32.shl (local.get $b) (i32.const 3)) (i32.shl (local.get $z) (i32.const 3)) (local.get $m) (local.get $k) (local.get $n) (local.get $acc)))
(func (export "matmulTN") (param $a i32) (param $b i32) (param $z i32) (param $m i32) (param $k i32) (param $n i32)
  (call $gemm (i32.shl (local.get $a) (i32.const 3)) (i32.const 8) (i32.shl (local.get $m) (i32.const 3))
    (i32.shl (local.get $b) (i32.const 3)) (i32.shl (local.get $z) (i32.const 3)) (local.get $m) (local.get $k) (local.get $n) (i32.const 1)))`;

/**
 * Patches of x [C,H,W] as rows of z [Ho·Wo, C·kh·kw] (mode 0: z = patches, 1: z += patches) or,
 * mode 2, the patches of z added back into x (the transpose). Each patch row of kw elements is
 * contiguous in both, so it moves as vectors of two.
 */
const im2colMode = (mode: number) => {
  // mode 0: z = x, 1: z += x, 2: x += z (a = address in x, b = in z), as vectors or scalars
  const op = (t: 'v128' | 'f64', add: string) =>
    mode === 0 ? `(${t}.store (local.get $b) (${t}.load (local.get $a)))`
      : mode === 1 ? `(${t}.store (local.get $b) (${add} (${t}.load (local.get $b)) (${t}.load (local.get $a))))`
        : `(${t}.store (local.get $a) (${add} (${t}.load (local.get $a)) (${t}.load (local.get $b))))`;
  return `
(func $im2col_${mode} (param $x i32) (param $z i32) (param $C i32) (param $H i32) (param $W i32) (param $kh i32) (param $kw i32) (param $s i32)
  (local $Ho i32) (local $Wo i32) (local $i i32) (local $j i32) (local $c i32) (local $p i32)
  (local $px i32) (local $pz i32) (local $q i32) (local $kw2 i32) (local $rowx i32) (local $plane i32) (local $a i32) (local $b i32)
  (local.set $Ho (i32.add (i32.div_u (i32.sub (local.get $H) (local.get $kh)) (local.get $s)) (i32.const 1)))
  (local.set $Wo (i32.add (i32.div_u (i32.sub (local.get $W) (local.get $kw)) (local.get $s)) (i32.const 1)))
  (local.set $kw2 (i32.shl (i32.and (local.get $kw) (i32.const -2)) (i32.const 3)))
  (local.set $rowx (i32.shl (local.get $W) (i32.const 3)))
  (local.set $plane (i32.shl (i32.mul (local.get $H) (local.get $W)) (i32.const 3)))
  (local.set $pz (i32.shl (local.get $z) (i32.const 3)))
  (block $di (loop $li
    (br_if $di (i32.ge_u (local.get $i) (local.get $Ho)))
    (local.set $j (i32.const 0))
    (block $dj (loop $lj
      (br_if $dj (i32.ge_u (local.get $j) (local.get $Wo)))
      (local.set $c (i32.const 0))
      (block $dc (loop $lc
        (br_if $dc (i32.ge_u (local.get $c) (local.get $C)))
        (local.set $p (i32.const 0))
        ;; x[c, i·s, j·s], then one row down per p
        (local.set $px (i32.add (i32.add (i32.shl (local.get $x) (i32.const 3)) (i32.mul (local.get $c) (local.get $plane)))
          (i32.add (i32.mul (i32.mul (local.get $i) (local.get $s)) (local.get $rowx))
            (i32.shl (i32.mul (local.get $j) (local.get $s)) (i32.const 3)))))
        (block $dp (loop $lp
          (br_if $dp (i32.ge_u (local.get $p) (local.get $kh)))
          (local.set $q (i32.const 0))
          (block $dq (loop $lq
            (br_if $dq (i32.ge_u (local.get $q) (local.get $kw2)))
            (local.set $a (i32.add (local.get $px) (local.get $q)))
            (local.set $b (i32.add (local.get $pz) (local.get $q)))
            ${op('v128', 'f64x2.add')}
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (br $lq)))
          (if (i32.and (local.get $kw) (i32.const 1)) (then
            (local.set $a (i32.add (local.get $px) (local.get $q)))
            (local.set $b (i32.add (local.get $pz) (local.get $q)))
            ${op('f64', 'f64.add')}))
          (local.set $pz (i32.add (local.get $pz) (i32.shl (local.get $kw) (i32.const 3))))
          (local.set $px (i32.add (local.get $px) (local.get $rowx)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $lp)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $lc)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $lj)))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $li))))`;
};
const im2col = `${[0, 1, 2].map(im2colMode).join('')}
(func (export "im2col") (param $x i32) (param $z i32) (param $C i32) (param $H i32) (param $W i32) (param $kh i32) (param $kw i32) (param $s i32) (param $mode i32)
  (if (i32.eqz (local.get $mode)) (then (call $im2col_0 (local.get $x) (local.get $z) (local.get $C) (local.get $H) (local.get $W) (local.get $kh) (local.get $kw) (local.get $s)))
    (else (if (i32.eq (local.get $mode) (i32.const 1)) (then (call $im2col_1 (local.get $x) (local.get $z) (local.get $C) (local.get $H) (local.get $W) (local.get $kh) (local.get $kw) (local.get $s)))
      (else (call $im2col_2 (local.get $x) (local.get $z) (local.get $C) (local.get $H) (local.get $W) (local.get $kh) (local.get $kw) (local.get $s)))))))`;

/**
 * tanh on pairs: t = e/(e + 2) with e = expm1(2|x|) (sign restored), accurate for every x
 * (no cancellation near 0, and 2|x| is capped at 40, where t is 1 to the last bit). expm1(y) =
 * 2^k·(expm1(r) + 1) − 1 with y = k·ln2 + r, |r| ≤ ln2/2 (Cody–Waite split of ln2, as fdlibm),
 * and expm1(r) its Taylor polynomial to degree 13 (remainder below 1.2e-17·|r|). Why here: V8
 * calls Math.exp out of line, and the convnet's tanh was a third of a simulation trial.
 * z[i] = tanh(x[i]) and, with `deriv`, z[n + i] = 1 − tanh²; a last odd element goes through
 * the same vector code (both lanes alike), so every element gets the same bits wherever it is.
 */
const TAYLOR = Array.from({ length: 13 }, (_, i) => {
  let f = 1;
  for (let j = 2; j <= i + 1; j++) f *= j;
  return 1 / f; // 1/(i+1)!: r·(1 + r·(1/2 + r·(1/6 + …)))
});
const f2 = (v: number) => `(v128.const f64x2 ${v.toPrecision(17)} ${v.toPrecision(17)})`;
/** Statements computing t = tanh of the vector in $x<v> into $t<v> (locals suffixed by v). */
function tanhSteps(v: string): string {
  const L = (n: string) => `(local.get $${n}${v})`;
  const horner = TAYLOR.slice(0, -1).reverse().reduce((acc, c) => `(f64x2.add ${f2(c)} (f64x2.mul ${L('r')} ${acc}))`, f2(TAYLOR[TAYLOR.length - 1]!));
  return `;; y = min(2|x|, 40); k = nearest(y/ln2); r = (y − k·ln2_hi) − k·ln2_lo
(local.set $y${v} (f64x2.pmin (f64x2.mul (f64x2.abs ${L('x')}) ${f2(2)}) ${f2(40)}))
(local.set $k${v} (f64x2.nearest (f64x2.mul ${L('y')} ${f2(1 / Math.LN2)})))
(local.set $r${v} (f64x2.sub (f64x2.sub ${L('y')} (f64x2.mul ${L('k')} (v128.const i64x2 0x3fe62e42fee00000 0x3fe62e42fee00000)))
  (f64x2.mul ${L('k')} (v128.const i64x2 0x3dea39ef35793c76 0x3dea39ef35793c76))))
;; p = expm1(r) = r·(1 + r·(1/2! + r·(1/3! + … r/13!))); 2^k from the exponent bits (0 ≤ k ≤ 58)
(local.set $p${v} (f64x2.mul ${L('r')} ${horner}))
(local.set $w${v} (i64x2.shl (i64x2.add (f64x2.add ${L('k')} ${f2(6755399441055744)}) (v128.const i64x2 0xbcc80000000003ff 0xbcc80000000003ff)) (i32.const 52)))
;; e = 2^k·p + (2^k − 1); t = e/(e + 2) with x's sign
(local.set $e${v} (f64x2.add (f64x2.mul ${L('w')} ${L('p')}) (f64x2.sub ${L('w')} ${f2(1)})))
(local.set $t${v} (v128.or (f64x2.abs (f64x2.div ${L('e')} (f64x2.add ${L('e')} ${f2(2)})))
  (v128.and ${L('x')} (v128.const i64x2 0x8000000000000000 0x8000000000000000))))`;
}
const TANH_LOCALS = ['x', 'y', 'k', 'r', 'p', 'w', 'e', 't'];
/** Vectors per iteration of the main loop: the polynomial is a chain of dependent steps, and four independent chains keep the multipliers busy. */
const TANH_UNROLL = 4;
const tanhStore = (v: string, off: number) => `(v128.store offset=${off} (local.get $pz) (local.get $t${v}))
(if (local.get $deriv) (then
  (v128.store offset=${off} (i32.add (local.get $pz) (local.get $nb)) (f64x2.sub ${f2(1)} (f64x2.mul (local.get $t${v}) (local.get $t${v}))))))`;
const tanhUnrolled = [...Array(TANH_UNROLL).keys()];
const tanh = `
(func (export "tanh") (param $x i32) (param $z i32) (param $n i32) (param $deriv i32)
  (local $px i32) (local $pz i32) (local $end i32) (local $nb i32)
  ${[...tanhUnrolled.map(String), 's'].flatMap((v) => TANH_LOCALS.map((l) => `(local $${l}${v} v128)`)).join(' ')}
  (local.set $px (i32.shl (local.get $x) (i32.const 3)))
  (local.set $pz (i32.shl (local.get $z) (i32.const 3)))
  (local.set $nb (i32.shl (local.get $n) (i32.const 3)))
  ;; ${2 * TANH_UNROLL} elements at a time
  (local.set $end (i32.add (local.get $px) (i32.shl (i32.and (local.get $n) (i32.const ${-2 * TANH_UNROLL})) (i32.const 3))))
  (block $done (loop $l
    (br_if $done (i32.ge_u (local.get $px) (local.get $end)))
${ind(tanhUnrolled.map((u) => `(local.set $x${u} (v128.load offset=${16 * u} (local.get $px)))`).join('\n'), 4)}
${ind(tanhUnrolled.map((u) => tanhSteps(String(u))).join('\n'), 4)}
${ind(tanhUnrolled.map((u) => tanhStore(String(u), 16 * u)).join('\n'), 4)}
    (local.set $px (i32.add (local.get $px) (i32.const ${16 * TANH_UNROLL})))
    (local.set $pz (i32.add (local.get $pz) (i32.const ${16 * TANH_UNROLL})))
    (br $l)))
  ;; then two at a time
  (local.set $end (i32.add (i32.shl (local.get $x) (i32.const 3)) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
  (block $done2 (loop $l2
    (br_if $done2 (i32.ge_u (local.get $px) (local.get $end)))
    (local.set $xs (v128.load (local.get $px)))
${ind(tanhSteps('s'), 4)}
${ind(tanhStore('s', 0), 4)}
    (local.set $px (i32.add (local.get $px) (i32.const 16)))
    (local.set $pz (i32.add (local.get $pz) (i32.const 16)))
    (br $l2)))
  ;; a last odd element in both lanes of the same code
  (if (i32.and (local.get $n) (i32.const 1)) (then
    (local.set $xs (f64x2.splat (f64.load (local.get $px))))
${ind(tanhSteps('s'), 4)}
    (f64.store (local.get $pz) (f64x2.extract_lane 0 (local.get $ts)))
    (if (local.get $deriv) (then
      (f64.store (i32.add (local.get $pz) (local.get $nb)) (f64x2.extract_lane 0 (f64x2.sub ${f2(1)} (f64x2.mul (local.get $ts) (local.get $ts))))))))))`;

/**
 * Elementwise z (+)= f(inputs) over n elements, two at a time then a last one: `ins` names the
 * input offsets, `f` builds the expression from their loads (vector or scalar), `extra` more params.
 */
function elementwise(name: string, ins: string[], f: (t: 'v128' | 'f64', load: (i: string) => string) => string, extra = ''): string {
  const ptrs = ins.map((i) => `$p${i}`);
  const loadAt = (t: 'v128' | 'f64') => (i: string) => `(${t}.load (local.get $p${i}))`;
  const addOp = (t: 'v128' | 'f64') => (t === 'v128' ? 'f64x2.add' : 'f64.add');
  const body = (t: 'v128' | 'f64') => `(if (local.get $acc)
  (then (${t}.store (local.get $pz) (${addOp(t)} (${t}.load (local.get $pz)) ${f(t, loadAt(t))})))
  (else (${t}.store (local.get $pz) ${f(t, loadAt(t))})))`;
  const step = (bytes: number) => [...ptrs, '$pz'].map((q) => `(local.set ${q} (i32.add (local.get ${q}) (i32.const ${bytes})))`).join(' ');
  return `
(func (export "${name}") ${extra}${ins.map((i) => `(param $${i} i32) `).join('')}(param $z i32) (param $n i32) (param $acc i32)
  ${ptrs.map((q) => `(local ${q} i32)`).join(' ')} (local $pz i32) (local $end i32)
  ${ins.map((i) => `(local.set $p${i} (i32.shl (local.get $${i}) (i32.const 3)))`).join(' ')}
  (local.set $pz (i32.shl (local.get $z) (i32.const 3)))
  (local.set $end (i32.add (local.get $pz) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
  (block $done (loop $l
    (br_if $done (i32.ge_u (local.get $pz) (local.get $end)))
${ind(body('v128'), 4)}
    ${step(16)}
    (br $l)))
  (if (i32.and (local.get $n) (i32.const 1)) (then
${ind(body('f64'), 4)})))`;
}
const elementwiseKernels = [
  elementwise('copy', ['x'], (_t, ld) => ld('x')),
  elementwise('scale', ['x'], (t, ld) => (t === 'v128' ? `(f64x2.mul (f64x2.splat (local.get $c)) ${ld('x')})` : `(f64.mul (local.get $c) ${ld('x')})`), '(param $c f64) '),
  elementwise('mul', ['a', 'b'], (t, ld) => `(${t === 'v128' ? 'f64x2' : 'f64'}.mul ${ld('a')} ${ld('b')})`),
  elementwise('mul3', ['a', 'b', 'c'], (t, ld) => { const m = t === 'v128' ? 'f64x2.mul' : 'f64.mul'; return `(${m} (${m} ${ld('a')} ${ld('b')}) ${ld('c')})`; }),
].join('');

/**
 * The register tiles: rows × columns of z kept in registers. Chosen by `npm run bench -- tiles`
 * (bench/tiles.ts), which times the convnet's products for each candidate.
 */
export interface Tiles {
  /** matmul and matmulTN: rows, and columns (even, two per vector). */
  nn: readonly [rows: number, cols: number];
  /** matmulNT: rows of a, rows of b. */
  nt: readonly [rows: number, cols: number];
}
export const TILES: Tiles = { nn: [2, 8], nt: [2, 4] };

/** The whole module's text. */
export function simdWat(tiles: Tiles = TILES): string {
  const [nnR, nnC] = tiles.nn, [ntR, ntC] = tiles.nt;
  const parts = [
    ';; Generated by scripts/simd-wat.ts (see there); assembled into src/engine/simd-wasm.ts.',
    '(module',
    '  (import "env" "memory" (memory 1))',
    ...halves(nnR).flatMap((R) => halves(nnC).map((C) => ind(nnTile(R, C)))),
    ...halves(nnR).map((R) => ind(nnBand(R, nnC))),
    ind(gemm(nnR)),
    ...halves(ntR).flatMap((R) => halves(ntC).map((C) => ind(ntTile(R, C)))),
    ind(matmulNT(ntR, ntC)),
    ind(exports),
    ind(im2col),
    ind(tanh),
    ind(elementwiseKernels),
    ')',
  ];
  return parts.join('\n') + '\n';
}
