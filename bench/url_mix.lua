-- url_mix.lua: the wrk script of bench/nginx_throughput and bench/audience_ingest
-- (run by mgstack.bench.url_mix).
--
--   wrk -t C -c C -s bench/url_mix.lua http://127.0.0.1:PORT/ -- LIST PER_DOWNLOAD PIECE
--
-- Thread n reads LIST.n (0-based; its share of the downloads, one path per
-- line), each line one "download": PER_DOWNLOAD requests for that path, each
-- with "Range: bytes=" the next PIECE bytes (piece i covers i*PIECE ..
-- (i+1)*PIECE-1), as a podcast app fetches an episode in pieces; after its
-- last line it starts again at its first. Run it with as many threads as
-- connections: wrk calls request() per thread, not per connection, so only
-- then does each download go over one connection, its requests one after the
-- other. A thread reads only its share because wrk sets up its threads one
-- by one while the first ones already send requests: the shorter the set-up,
-- the less it competes with the measured load.

local next_thread = 0

function setup(thread)
  thread:set("thread_index", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  paths = {}
  for line in io.lines(args[1] .. "." .. thread_index) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  per_download = tonumber(args[2])
  piece = tonumber(args[3])
  at = 1
  part = 0
end

function request()
  local first = part * piece
  local req = wrk.format("GET", paths[at],
                         {["Range"] = "bytes=" .. first .. "-" .. (first + piece - 1)})
  part = part + 1
  if part == per_download then
    part = 0
    at = at % #paths + 1
  end
  return req
end
