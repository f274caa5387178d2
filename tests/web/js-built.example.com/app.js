// Builds the whole page: a static fetch sees an empty shell.
document.title = "星海新闻网";
const meta = document.createElement("meta");
meta.setAttribute("property", "og:site_name");
meta.setAttribute("content", "星海新闻网");
document.head.appendChild(meta);
document.getElementById("app").innerHTML = `
  <header><div class="logo"><img src="/logo.png" alt="星海新闻网"></div></header>
  <main><h1>星海新闻网</h1><p>本网讯 今日天气晴。</p></main>
  <footer>互联网新闻信息服务许可证：35120190007 闽ICP备18000001号-2</footer>`;
