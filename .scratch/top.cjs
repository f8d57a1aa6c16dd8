const fs=require("fs");const f=fs.readdirSync("/tmp/prof")[0];const p=JSON.parse(fs.readFileSync("/tmp/prof/"+f));
const names={19:'matmulNT',20:'matmul',21:'matmulTN',25:'im2col',26:'tanh',27:'copy',28:'scale',29:'mul',30:'mul3'};
const self=new Map();const byId=new Map(p.nodes.map(n=>[n.id,n]));
const dt=p.timeDeltas;const tot=dt.reduce((a,b)=>a+b,0);
const cnt=new Map();p.samples.forEach((s,i)=>cnt.set(s,(cnt.get(s)||0)+dt[i]));
for(const [id,t] of cnt){const n=byId.get(id);let fn=n.callFrame.functionName;const m=fn.match(/wasm-function\[(\d+)\]/);if(m)fn+=' '+(names[m[1]]||'');const k=fn+" "+(n.callFrame.url||"").split("/").pop()+":"+n.callFrame.lineNumber;self.set(k,(self.get(k)||0)+t);}
[...self].sort((a,b)=>b[1]-a[1]).slice(0,+process.argv[2]||30).forEach(([k,t])=>console.log((100*t/tot).toFixed(1).padStart(5)+"%",k));
