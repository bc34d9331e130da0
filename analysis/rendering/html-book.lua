-- The fallback's multi-page HTML book (pandoc's chunkedhtml writer, one page per chapter):
-- an in-page contents list under each chapter heading, tables in a scrollable region, and
-- the search index (search-index.js) that the page script searches, written at render time.

local stringify = pandoc.utils.stringify

-- Each chapter page is named after its heading's identifier (--chunk-template=%i.html).
local function page_of(chapter)
  return chapter and (chapter .. ".html") or "index.html"
end

-- A block's words for the index, with a space between list items and table cells
-- (pandoc.utils.stringify runs them together: "estate;model").
local blocks_text

local function rows_text(rows, parts)
  for _, row in ipairs(rows) do
    for _, cell in ipairs(row.cells) do
      table.insert(parts, blocks_text(cell.contents))
    end
  end
end

local function block_text(block)
  local kind = block.t
  if kind == "BulletList" or kind == "OrderedList" then
    local parts = {}
    for _, item in ipairs(block.content) do
      table.insert(parts, blocks_text(item))
    end
    return table.concat(parts, " ")
  elseif kind == "Div" or kind == "BlockQuote" then
    return blocks_text(block.content)
  elseif kind == "Figure" then
    return stringify(block.caption.long) .. " " .. blocks_text(block.content)
  elseif kind == "Table" then
    local parts = { stringify(block.caption.long) }
    rows_text(block.head.rows, parts)
    for _, body in ipairs(block.bodies) do
      rows_text(body.head, parts)
      rows_text(body.body, parts)
    end
    rows_text(block.foot.rows, parts)
    return table.concat(parts, " ")
  end
  return stringify(block)
end

blocks_text = function(blocks)
  local parts = {}
  for _, block in ipairs(blocks) do
    table.insert(parts, block_text(block))
  end
  return table.concat(parts, " ")
end

local function search_rows(blocks)
  local rows, chapter, anchor, title, text = {}, nil, "", "", {}
  local function flush()
    local body = table.concat(text, " "):gsub("%s+", " ")
    if title ~= "" or body ~= "" then
      table.insert(rows, { page_of(chapter), anchor, title, body })
    end
    text = {}
  end
  for _, block in ipairs(blocks) do
    if block.t == "Header" and block.level <= 3 then
      flush()
      if block.level == 1 then chapter = block.identifier end
      anchor, title = block.identifier, stringify(block.content)
    else
      table.insert(text, block_text(block))
    end
  end
  flush()
  return rows
end

local function write_search_index(blocks)
  local handle = assert(io.open("search-index.js", "w"))
  handle:write("window.BOOK_SEARCH = ", pandoc.json.encode(search_rows(blocks)), ";\n")
  handle:close()
end

-- "On this page": the chapter's sections, right under its heading.
local function page_contents(blocks, start)
  local items = {}
  for i = start + 1, #blocks do
    local block = blocks[i]
    if block.t == "Header" and block.level == 1 then break end
    if block.t == "Header" and block.level == 2 and block.identifier ~= "" then
      table.insert(items, { pandoc.Plain(pandoc.Link(block.content, "#" .. block.identifier)) })
    end
  end
  if #items < 2 then return nil end
  return pandoc.Div(
    { pandoc.Para(pandoc.Strong("On this page")), pandoc.BulletList(items) },
    pandoc.Attr("", { "page-toc" }, { { "role", "navigation" }, { "aria-label", "On this page" } })
  )
end

local function scrollable(tbl)
  local label = stringify(tbl.caption.long)
  -- Attributes as a list of pairs: a Lua table's key order would change between runs.
  return pandoc.Div({ tbl }, pandoc.Attr("", { "table-scroll" },
    { { "tabindex", "0" }, { "role", "region" }, { "aria-label", label ~= "" and label or "Table" } }))
end

-- chunkedhtml points links at headings and tables on other pages, but not at figures:
-- point every link to a figure at the figure's page.
local function link_figures_to_their_pages(doc)
  local pages, chapter = {}, nil
  for _, block in ipairs(doc.blocks) do
    if block.t == "Header" and block.level == 1 then chapter = block.identifier end
    pandoc.walk_block(pandoc.Div({ block }), {
      Figure = function(figure)
        if figure.identifier ~= "" then pages[figure.identifier] = page_of(chapter) end
      end,
    })
  end
  return doc:walk({
    Link = function(link)
      local page = pages[link.target:match("^#(.+)$") or ""]
      if page then link.target = page .. link.target end
      return link
    end,
  })
end

function Pandoc(doc)
  doc = link_figures_to_their_pages(doc)
  write_search_index(doc.blocks)
  local blocks = pandoc.List()
  for i, block in ipairs(doc.blocks) do
    if block.t == "Table" then
      blocks:insert(scrollable(block))
    else
      blocks:insert(block)
    end
    if block.t == "Header" and block.level == 1 then
      local contents = page_contents(doc.blocks, i)
      if contents then blocks:insert(contents) end
    end
  end
  doc.blocks = blocks
  return doc
end
