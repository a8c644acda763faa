# Embeds the admin page's static files into the binary (run at build time by
# CMakeLists.txt: cmake -DOUT=... -DGZ_DIR=... -DFILES="a|b" -P this file).
#
# For each file it writes FILE.gz (gzip -9 -n: no name or time inside, so
# the bytes depend on the content only) into GZ_DIR, and OUT, a C++ file
# whose assembler .incbin's both into .rodata and lists them with their
# content type and an ETag (the first 16 hex digits of the content's
# SHA-256). The hashes also make OUT change whenever a file does, so ccache
# never serves an object with stale bytes (it does not see .incbin's input).
cmake_minimum_required(VERSION 3.20)

function(content_type file out)
  get_filename_component(ext "${file}" LAST_EXT)
  string(TOLOWER "${ext}" ext)
  set(utf8 "\\x3B charset=utf-8")  # "; charset=utf-8", written as a C escape
  if(ext STREQUAL ".html")
    set(type "text/html${utf8}")
  elseif(ext STREQUAL ".css")
    set(type "text/css${utf8}")
  elseif(ext STREQUAL ".js")
    set(type "text/javascript${utf8}")
  elseif(ext STREQUAL ".txt")
    set(type "text/plain${utf8}")
  elseif(ext STREQUAL ".json")
    set(type "application/json")
  elseif(ext STREQUAL ".svg")
    set(type "image/svg+xml")
  elseif(ext STREQUAL ".png")
    set(type "image/png")
  elseif(ext STREQUAL ".ico")
    set(type "image/x-icon")
  else()
    message(FATAL_ERROR "embed_assets: no content type known for ${file}; add its extension to web/embed_assets.cmake")
  endif()
  set(${out} "${type}" PARENT_SCOPE)
endfunction()

string(REPLACE "|" ";" FILES "${FILES}")  # passed "|"-separated
file(MAKE_DIRECTORY "${GZ_DIR}")
set(asm "")
set(decls "")
set(rows "")
set(i 0)
foreach(file ${FILES})
  get_filename_component(name "${file}" NAME)
  set(gz "${GZ_DIR}/${name}.gz")
  execute_process(COMMAND gzip -9 -n -c "${file}" OUTPUT_FILE "${gz}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "embed_assets: gzip failed on ${file}")
  endif()
  file(SHA256 "${file}" sha)
  string(SUBSTRING "${sha}" 0 16 etag)
  content_type("${file}" type)
  foreach(part raw gz)
    if(part STREQUAL "raw")
      set(path "${file}")
    else()
      set(path "${gz}")
    endif()
    string(APPEND asm "    \".balign 16\\n\"\n    \"tp_asset_${i}_${part}:\\n\"\n"
           "    \".incbin \\\"${path}\\\"\\n\"\n    \"tp_asset_${i}_${part}_end:\\n\"\n")
    string(APPEND decls "extern \"C\" const char tp_asset_${i}_${part}[], tp_asset_${i}_${part}_end[];\n")
  endforeach()
  string(APPEND rows "    {\"${name}\", \"${type}\", \"\\\"${etag}\\\"\", // sha256 ${sha}\n"
         "     {tp_asset_${i}_raw, static_cast<size_t>(tp_asset_${i}_raw_end - tp_asset_${i}_raw)},\n"
         "     {tp_asset_${i}_gz, static_cast<size_t>(tp_asset_${i}_gz_end - tp_asset_${i}_gz)}},\n")
  math(EXPR i "${i} + 1")
endforeach()

string(CONCAT text
       "// Generated at build time by web/embed_assets.cmake from web/assets/ and\n"
       "// Chart.js: do not edit.\n"
       "#include \"web/static_assets.h\"\n\n"
       "__asm__(\n    \".section .rodata\\n\"\n" "${asm}" "    \".previous\\n\");\n\n"
       "${decls}" "\n"
       "namespace tp::web::internal {\n"
       "const EmbeddedFile kEmbeddedFiles[] = {\n" "${rows}" "};\n"
       "const size_t kEmbeddedFileCount = ${i};\n"
       "}  // namespace tp::web::internal\n")
# Rewrite only on change, so an unchanged asset set rebuilds nothing.
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
  if(old STREQUAL text)
    return()
  endif()
endif()
file(WRITE "${OUT}" "${text}")
