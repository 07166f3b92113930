# Sourced by scripts/engine-instructions.sh and scripts/engine-ab.sh: `unpack_bars DIR` unzips the
# six FILUSDT months of `hgctl bench backtest` from ../shared/data into DIR and sets `data` to DIR,
# or to "random" (the bench's seeded random walk) when the archives are not there.
unpack_bars() {
  data=random
  local archives=../shared/data/binance-um-klines-1m
  if [ -f "$archives/FILUSDT-1m-2023-04.zip" ]; then
    for month in 04 05 06 08 09 10; do unzip -q -o "$archives/FILUSDT-1m-2023-$month.zip" -d "$1"; done
    data="$1"
  fi
}
